using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Rsync;

public sealed class RsyncCommandBuilderTests
{
    private static readonly RsyncCapabilities Stock = RsyncCapabilities.ParseHelp("--stats   give some file-transfer stats\n -r, --recursive  recurse\n");
    private static readonly RsyncCapabilities Patched = RsyncCapabilities.ParseHelp("     --drop-cache   drop cache after each file\n");

    [Fact]
    public void SourceFlags_Minimal_AreTheOriginalsFirstFour()
    {
        Assert.Equal(
            ["--stats", "--numeric-ids", "-lptgoD", "--files-from=/tmp/zkrsync/f1"],
            RsyncCommandBuilder.SourceFlags(new RsyncSourceSettings(), "/tmp/zkrsync/f1", recursive: false, Stock));
    }

    [Fact]
    public void SourceFlags_Everything_InTheOriginalsOrder()
    {
        var settings = new RsyncSourceSettings(
            Delete: true, Checksum: true, HardLinks: true, InPlace: true, DropCache: true, Timeout: 30,
            Verbose: true, DryRun: true, ArbitOpts: ["bwlimit:1000", "sparse", "chmod:u=rwX:g=rX"]);
        Assert.Equal(
            [
                "--stats", "--numeric-ids", "-lptgoD", "--files-from=F", "-r", "--delete", "--checksum", "--drop-cache",
                "--hard-links", "--inplace", "--timeout", "30", "--verbose", "-n", "--bwlimit=1000", "--sparse",
                "--chmod=u=rwX:g=rX",
            ],
            RsyncCommandBuilder.SourceFlags(settings, "F", recursive: true, Patched));
    }

    [Fact]
    public void SourceFlags_DropCache_OmittedForStockRsync()
    {
        var flags = RsyncCommandBuilder.SourceFlags(new RsyncSourceSettings(DropCache: true), "F", false, Stock);
        Assert.DoesNotContain("--drop-cache", flags);
    }

    [Fact]
    public void SourceFlags_NulSeparatedList_AddsFrom0()
    {
        Assert.Contains("--from0", RsyncCommandBuilder.SourceFlags(new RsyncSourceSettings(), "F", false, Stock, nulSeparated: true));
    }

    [Fact]
    public void Source_IsAnArgumentListWithBaseAndModuleUrl()
    {
        var list = FilesFromList.Create(RawPath.FromString("/data/my dir"), [new PathEntry(RawPath.FromString("/data/my dir/a b"), true)]);
        var invocation = RsyncCommandBuilder.Source(new RsyncSourceSettings(), list, "/tmp/f", "/data/my dir", "node7", 4444, "s1", Stock);
        Assert.Equal("rsync", invocation.FileName);
        Assert.Equal("/data/my dir/", invocation.Arguments[^2]);
        Assert.Equal("rsync://node7:4444/zkrs-s1", invocation.Arguments[^1]);
        Assert.Equal("--sockopts=TCP_NODELAY", invocation.Arguments[^3]);
        Assert.Contains("-r", invocation.Arguments);
        Assert.Empty(invocation.Environment);
        var info = invocation.ToStartInfo();
        Assert.Equal(invocation.Arguments, info.ArgumentList);
        Assert.Contains("'/data/my dir/'", invocation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Source_WithSubPath_RunsFromThatDirectoryToTheSameOneOfTheModule()
    {
        var list = FilesFromList.Create(RawPath.FromString("/data/d05"), [new PathEntry(RawPath.FromString("/data/d05/s00"), false)]);
        var invocation = RsyncCommandBuilder.Source(new RsyncSourceSettings(), list, "/tmp/f", "/data/", "node7", 4444, "s1", Stock, subPath: "d05");
        Assert.Equal("/data/d05/", invocation.Arguments[^2]);
        Assert.Equal("rsync://node7:4444/zkrs-s1/d05/", invocation.Arguments[^1]);
    }

    [Fact]
    public void Source_WithSecret_UsesAuthUserAndPasswordVariableNotArgv()
    {
        var list = FilesFromList.Create(RawPath.FromString("/d"), [new PathEntry(RawPath.FromString("/d"), false)]);
        var invocation = RsyncCommandBuilder.Source(new RsyncSourceSettings(), list, "/tmp/f", "/d", "10.0.0.1", 4445, "s", Stock, "pa55");
        Assert.Equal("rsync://zkrsync@10.0.0.1:4445/zkrs-s", invocation.Arguments[^1]);
        Assert.Equal("pa55", invocation.Environment["RSYNC_PASSWORD"]);
        Assert.DoesNotContain(invocation.Arguments, a => a.Contains("pa55", StringComparison.Ordinal));
        Assert.DoesNotContain("pa55", invocation.ToString(), StringComparison.Ordinal);
        Assert.Equal("pa55", invocation.ToStartInfo().Environment["RSYNC_PASSWORD"]);
    }

    [Fact]
    public void DaemonUrl_BracketsIpv6()
    {
        Assert.Equal("rsync://[fd00::1]:4444/zkrs-x", RsyncCommandBuilder.DaemonUrl("fd00::1", 4444, "x"));
    }

    [Fact]
    public void Daemon_ArgumentsFollowTheProtocolPlusAddress()
    {
        Assert.Equal(
            ["--daemon", "--no-detach", "--config", "/tmp/c.conf", "--port", "4444", "--address", "10.0.0.7"],
            RsyncCommandBuilder.Daemon("/tmp/c.conf", 4444, "10.0.0.7", dropCache: true, Stock).Arguments);
        Assert.Equal(
            ["--daemon", "--no-detach", "--config", "/tmp/c.conf", "--port", "4444", "--drop-cache"],
            RsyncCommandBuilder.Daemon("/tmp/c.conf", 4444, null, dropCache: true, Patched).Arguments);
    }

    [Fact]
    public void DaemonConfig_HasTheOriginalModuleAndOptionalAuth()
    {
        Assert.Equal(
            "socket options = TCP_NODELAY\n[zkrs-s1]\npath = /dest\nread only = no\nuid = root\ngid = root\n",
            RsyncCommandBuilder.DaemonConfig("s1", "/dest"));
        var withAuth = RsyncCommandBuilder.DaemonConfig("s1", "/dest", bind: "10.0.0.7", secretsFile: "/tmp/z/secrets");
        Assert.StartsWith("socket options = TCP_NODELAY\naddress = 10.0.0.7\n[zkrs-s1]\n", withAuth, StringComparison.Ordinal);
        Assert.Contains("auth users = zkrsync\nsecrets file = /tmp/z/secrets\n", withAuth, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RsyncCommandBuilder.DaemonConfig("s", "/a\nb"));
    }

    [Fact]
    public void DaemonConfig_NotAsRoot_SwitchesNoUserAndKeepsSymlinks()
    {
        var config = RsyncCommandBuilder.DaemonConfig("s1", "/dest", asRoot: false);

        Assert.Equal("socket options = TCP_NODELAY\n[zkrs-s1]\npath = /dest\nread only = no\nuse chroot = no\nmunge symlinks = no\n", config);
    }

    [Fact]
    public void DaemonConfig_WithATempDir_PutsItUnderItsHiddenRootAndAdmitsOnlyIt()
    {
        var config = RsyncCommandBuilder.DaemonConfig("s1", "/dest", logFile: "/dev/stderr", tempDir: "h_12");

        Assert.Contains("log file = /dev/stderr\n[zkrs-s1]\n", config, StringComparison.Ordinal);
        Assert.Contains("temp dir = /.zkrsync-tmp/h_12\nfilter = + /.zkrsync-tmp/h_12/ - /.zkrsync-tmp/\n", config, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RsyncCommandBuilder.DaemonConfig("s", "/d", tempDir: "a/b"));
        Assert.Throws<ArgumentException>(() => RsyncCommandBuilder.DaemonConfig("s", "/d", tempDir: ".."));
    }

    [Fact]
    public void Secrets_AreReadAndWrittenInRsyncFormat()
    {
        Assert.Equal("s3cr3t", RsyncCommandBuilder.ReadSecret("  s3cr3t \nignored\n"));
        Assert.Equal("zkrsync:s3cr3t\n", RsyncCommandBuilder.SecretsFileContent("s3cr3t"));
        Assert.Throws<InvalidDataException>(() => RsyncCommandBuilder.ReadSecret("\n"));
    }

    [Fact]
    public void Netcat_UsesOpenBsdFlagsAndStdinInsteadOfAShell()
    {
        var source = RsyncCommandBuilder.NetcatSource("127.0.0.1", 4444, "h:1", "3", ["--stats", "-r"]);
        Assert.Equal(["-N", "127.0.0.1", "4444"], source.Arguments);
        Assert.Equal("h:1 is sending 3 with flags \"--stats -r\"\n"u8.ToArray(), source.StandardInput);
        Assert.Equal(["-d", "-l", "-k", "127.0.0.1", "4444"], RsyncCommandBuilder.NetcatDestination("127.0.0.1", 4444).Arguments);
    }

    [Fact]
    public void Capabilities_ParseRealHelpText()
    {
        var help = RunRsyncHelp();
        var caps = RsyncCapabilities.ParseHelp(help);
        Assert.True(caps.Supports("--files-from"));
        Assert.True(caps.Supports("numeric-ids"));
        Assert.True(caps.Supports("from0"));
        Assert.False(caps.SupportsDropCache); // stock rsync
        Assert.False(RsyncCapabilities.None.Supports("stats"));
    }

    private static string RunRsyncHelp()
    {
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("rsync", "--help") { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(10_000));
        return text;
    }
}
