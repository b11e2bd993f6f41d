using Microsoft.Extensions.Logging;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class ZkRsyncOptionsParserTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("zkrsync-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static ZkRsyncOptions Parse(IReadOnlyDictionary<string, string>? env, params string[] args) =>
        ZkRsyncOptionsParser.Parse(args, env ?? NoEnv, out _, _ => 0) ?? throw new InvalidOperationException("help");

    private static ZkRsyncOptions Parse(params string[] args) => Parse(null, args);

    private static string Error(IReadOnlyDictionary<string, string>? env, params string[] args) =>
        Assert.Throws<UsageException>(() => ZkRsyncOptionsParser.Parse(args, env ?? NoEnv, out _, _ => 0)).Message;

    private static string Error(params string[] args) => Error(null, args);

    private string Config(string text)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".cfg");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Parse_Source_HasTheOriginalDefaults()
    {
        var o = Parse("--servers", "zk1:2181,zk2:2181", "-S", "-r", "/data/");
        Assert.Equal(["zk1:2181", "zk2:2181"], o.Servers);
        Assert.Equal(WorkerRole.Source, o.Role);
        Assert.Equal("root", o.User);
        Assert.Equal("admin", o.Passwd);
        Assert.Equal("default", o.Session);
        Assert.Equal("/data", o.RsyncPath);
        Assert.Equal(3, o.Depth);
        Assert.Equal(@"/\.snapshots(/.*|$)", o.ExcludeRe!.ToString());
        Assert.Equal("root", o.ExclUsr);
        Assert.Equal(0u, o.ExclUid);
        Assert.True(o.VerifyPath);
        Assert.False(o.Delete || o.Checksum || o.HardLinks || o.InPlace || o.DropCache || o.Verbose || o.DryRun || o.Netcat || o.Daemon || o.KeepSessionOnStop);
        Assert.Equal(0, o.Timeout);
        Assert.Null(o.RsyncPort);
        Assert.Equal(4444, o.StartPort);
        Assert.Equal("/tmp/zkrsync/%(session)s-%(rstype)s-%(pid)s.log", o.LogFile);
        Assert.Equal("/tmp/zkrsync/%(session)s-%(rstype)s-%(pid)s.pid", o.PidFile);
        Assert.Equal(104857600, o.MaxBytes);
        Assert.Equal(5, o.BackupCount);
        Assert.Equal("/tmp/zkrsync", o.TmpDir);
        Assert.Equal(1, o.Slots);
        Assert.Equal(10000, o.Window);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ConnectTimeout);
        Assert.Null(o.Host);
        Assert.Null(o.Bind);
        Assert.Equal(LogLevel.Information, o.LogLevel);
        Assert.Empty(o.RSubPaths);
        Assert.Empty(o.ArbitOpts);
    }

    [Fact]
    public void Parse_EveryOption_IsReadFromTheCommandLine()
    {
        var secret = Config("s3cret\n");
        var o = Parse(
            "--servers=zk:2181", "-u", "bob", "-p", "pw", "-D", "-N", "sess", "--netcat", "-n", "-r", "/dst",
            "--rsubpaths", "3_a,4_a/b", "--excludere", "^x$", "--excl_usr", "", "--depth", "5", "--delete",
            "--checksum", "--hardlinks", "--inplace", "--disable-verifypath", "--daemon", "--domain", "example.org",
            "--done-file", "/tmp/done", "--dropcache", "--logfile", "", "--pidfile", "/run/%(pid)s.pid", "--max_bytes", "10",
            "--backup_count", "2", "--timeout", "60", "--verbose", "--rsyncport", "5000", "--startport", "6000",
            "--arbitopts", "bwlimit:1000,sparse", "--host", "10.0.0.7", "--bind", "0.0.0.0", "--rsync-secret-file", secret,
            "--slots", "4", "--tmpdir", "/var/tmp/z", "--json-summary", "/tmp/s.json", "--window", "50",
            "--connect-timeout", "7", "--keep-session-on-stop", "-d");
        Assert.Equal(WorkerRole.Destination, o.Role);
        Assert.Equal(("bob", "pw", "sess", "/dst"), (o.User, o.Passwd, o.Session, o.RsyncPath));
        Assert.True(o.Netcat && o.DryRun && o.Delete && o.Checksum && o.HardLinks && o.InPlace && o.Daemon && o.DropCache && o.Verbose && o.KeepSessionOnStop);
        Assert.False(o.VerifyPath);
        Assert.Equal(["3_a", "4_a/b"], o.RSubPaths.Select(s => s.ToString()));
        Assert.Equal("^x$", o.ExcludeRe!.ToString());
        Assert.Null(o.ExclUsr);
        Assert.Equal(5, o.Depth);
        Assert.Equal("example.org", o.Domain);
        Assert.Equal("/tmp/done", o.DoneFile);
        Assert.Null(o.LogFile);
        Assert.Equal("/run/%(pid)s.pid", o.PidFile);
        Assert.Equal((10L, 2, 60), (o.MaxBytes, o.BackupCount, o.Timeout));
        Assert.Equal((5000, 6000), (o.RsyncPort, o.StartPort));
        Assert.Equal(["bwlimit:1000", "sparse"], o.ArbitOpts);
        Assert.Equal(("10.0.0.7", "0.0.0.0", secret), (o.Host, o.Bind, o.RsyncSecretFile));
        Assert.Equal((4, "/var/tmp/z", "/tmp/s.json", 50), (o.Slots, o.TmpDir, o.JsonSummary, o.Window));
        Assert.Equal(TimeSpan.FromSeconds(7), o.ConnectTimeout);
        Assert.Equal(LogLevel.Debug, o.LogLevel);
    }

    [Fact]
    public void Parse_ShortOptionsGroupedAndAttached_Work()
    {
        var o = Parse("--servers", "zk", "-Sn", "-r/data", "-uadmin2", "-Nabc");
        Assert.Equal((WorkerRole.Source, true, "/data", "admin2", "abc"), (o.Role, o.DryRun, o.RsyncPath, o.User, o.Session));
    }

    [Fact]
    public void Parse_UnambiguousLongPrefix_IsAccepted()
    {
        Assert.Equal("s1", Parse("--servers", "zk", "-S", "-r", "/d", "--sess", "s1").Session);
        Assert.Contains("ambiguous", Error("--servers", "zk", "-S", "-r", "/d", "--s", "x"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PasswordFromEnvironment_NeedsNoArgv()
    {
        var env = new Dictionary<string, string> { ["ZKRSYNC_PASSWD"] = "fromenv", ["ZKRSYNC_SERVERS"] = "zk:1" };
        var o = Parse(env, "-S", "-r", "/d");
        Assert.Equal("fromenv", o.Passwd);
        Assert.Equal(["zk:1"], o.Servers);
    }

    [Fact]
    public void Parse_Precedence_IsDefaultThenConfigThenEnvironmentThenCommandLine()
    {
        var cfg = Config("[MAIN]\nservers = zkcfg:2181\nsession = fromcfg\ndepth = 4\nuser = cfguser\ndelete = true\n");
        var env = new Dictionary<string, string> { ["ZKRSYNC_SESSION"] = "fromenv", ["ZKRSYNC_DEPTH"] = "6" };
        var o = Parse(env, "--configfiles", cfg, "-S", "-r", "/d", "--depth", "7");
        Assert.Equal("zkcfg:2181", o.Servers.Single()); // config only
        Assert.Equal("cfguser", o.User);                // config over default
        Assert.Equal("fromenv", o.Session);             // environment over config
        Assert.Equal(7, o.Depth);                       // command line over environment
        Assert.True(o.Delete);
        Assert.Equal([cfg], o.ConfigFiles);
    }

    [Fact]
    public void Parse_LaterConfigFileWins_AndConfigFilesComeFromEnvironmentToo()
    {
        var a = Config("[MAIN]\nsession = a\nservers = zk\n");
        var b = Config("[MAIN]\nsession = b\n");
        var env = new Dictionary<string, string> { ["ZKRSYNC_CONFIGFILES"] = a };
        Assert.Equal("b", Parse(env, "--configfiles", b, "-S", "-r", "/d").Session);
    }

    [Fact]
    public void Parse_EnvironmentFlag_ZeroNoFalseMeanOff()
    {
        var on = new Dictionary<string, string> { ["ZKRSYNC_DELETE"] = "1", ["ZKRSYNC_VERIFYPATH"] = "no" };
        var o = Parse(on, "--servers", "zk", "-S", "-r", "/d");
        Assert.True(o.Delete);
        Assert.False(o.VerifyPath);
    }

    [Fact]
    public void Parse_VerifyPathFlag_TurnsVerificationOn_FixingTheOriginal()
    {
        Assert.True(Parse("--servers", "zk", "-S", "-r", "/d", "--verifypath").VerifyPath);
        Assert.False(Parse("--servers", "zk", "-S", "-r", "/d", "--disable-verifypath").VerifyPath);
        var cfg = Config("[MAIN]\nverifypath = false\n");
        Assert.False(Parse("--servers", "zk", "-S", "-r", "/d", "--configfiles", cfg).VerifyPath);
    }

    [Fact]
    public void Parse_StateAndPathsOnly_AcceptARedundantSource()
    {
        Assert.Equal(WorkerRole.State, Parse("--servers", "zk", "--state").Role);
        Assert.Equal(WorkerRole.State, Parse("--servers", "zk", "--state", "-S").Role);
        Assert.Null(Parse("--servers", "zk", "--state").RsyncPath);
        Assert.Equal(WorkerRole.PathsOnly, Parse("--servers", "zk", "--pathsonly", "-S", "-r", "/d").Role);
    }

    [Theory]
    [InlineData("No role given", "--servers", "zk", "-r", "/d")]
    [InlineData("source AND the destination", "--servers", "zk", "-S", "-D", "-r", "/d")]
    [InlineData("--pathsonly and --state", "--servers", "zk", "--pathsonly", "--state", "-r", "/d")]
    [InlineData("cannot be combined", "--servers", "zk", "--state", "-D")]
    [InlineData("No servers given", "-S", "-r", "/d")]
    [InlineData("Path is mandatory", "--servers", "zk", "-S")]
    [InlineData("Path is mandatory", "--servers", "zk", "--pathsonly")]
    [InlineData("absolute", "--servers", "zk", "-S", "-r", "data")]
    [InlineData("'/' cannot", "--servers", "zk", "-S", "-r", "/")]
    [InlineData("Invalid depth", "--servers", "zk", "-S", "-r", "/d", "--depth", "0")]
    [InlineData("invalid integer value: 'x'", "--servers", "zk", "-S", "-r", "/d", "--depth", "x")]
    [InlineData("invalid integer value", "--servers", "zk", "-S", "-r", "/d", "--timeout", "99999999999")]
    [InlineData("is not <depth>_<path>", "--servers", "zk", "-S", "-r", "/d", "--rsubpaths", "a_b")]
    [InlineData("is not <depth>_<path>", "--servers", "zk", "-S", "-r", "/d", "--rsubpaths", "3")]
    [InlineData("invalid regular expression", "--servers", "zk", "-S", "-r", "/d", "--excludere", "(unclosed")]
    [InlineData("no such option: --bogus", "--servers", "zk", "-S", "-r", "/d", "--bogus")]
    [InlineData("no such option: -Z", "--servers", "zk", "-S", "-r", "/d", "-Z")]
    [InlineData("does not take a value", "--servers", "zk", "-S", "-r", "/d", "--delete=yes")]
    [InlineData("requires a value", "--servers", "zk", "-S", "-r")]
    [InlineData("starts with a '-'", "--servers", "zk", "-S", "-p", "-secret", "-r", "/d")]
    [InlineData("unexpected argument 'extra'", "--servers", "zk", "-S", "-r", "/d", "extra")]
    [InlineData("not a TCP port", "--servers", "zk", "-D", "-r", "/d", "--startport", "70000")]
    [InlineData("less than 1", "--servers", "zk", "-S", "-r", "/d", "--slots", "0")]
    [InlineData("invalid session name", "--servers", "zk", "-S", "-r", "/d", "-N", "a/b")]
    [InlineData("no such file", "--servers", "zk", "-S", "-r", "/d", "--rsync-secret-file", "/nonexistent/secret")]
    public void Parse_BadInput_IsOneClearUsageError(string expected, params string[] args)
    {
        var message = Error(args);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Parse_BadEnvironmentValue_NamesTheVariable()
    {
        var env = new Dictionary<string, string> { ["ZKRSYNC_DEPTH"] = "deep" };
        Assert.Contains("ZKRSYNC_DEPTH", Error(env, "--servers", "zk", "-S", "-r", "/d"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownConfigKey_IsAnError()
    {
        var cfg = Config("[MAIN]\nbogus = 1\n");
        Assert.Contains("bogus", Error("--servers", "zk", "-S", "-r", "/d", "--configfiles", cfg), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingConfigFile_IsAnError()
    {
        Assert.Contains("cannot read config file", Error("--servers", "zk", "-S", "-r", "/d", "--configfiles", "/nonexistent.cfg"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownExcludeUser_IsAnErrorForSources()
    {
        var e = Assert.Throws<UsageException>(() =>
            ZkRsyncOptionsParser.Parse(["--servers", "zk", "-S", "-r", "/d", "--excl_usr", "nobody-here"], NoEnv, out _, _ => null));
        Assert.Contains("unknown user 'nobody-here'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RealUserLookup_ResolvesRoot()
    {
        var o = ZkRsyncOptionsParser.Parse(["--servers", "zk", "-S", "-r", "/d"], NoEnv, out _);
        Assert.Equal(0u, o!.ExclUid);
    }

    [Fact]
    public void Parse_EmptyExcludeRe_ExcludesNothing()
    {
        Assert.Null(Parse("--servers", "zk", "-S", "-r", "/d", "--excludere=").ExcludeRe);
    }

    [Fact]
    public void Parse_QuietAndInfo_SetLogLevels()
    {
        Assert.Equal(LogLevel.Warning, Parse("--servers", "zk", "-S", "-r", "/d", "--quiet").LogLevel);
        Assert.Equal(LogLevel.Information, Parse("--servers", "zk", "-S", "-r", "/d", "--info").LogLevel);
    }

    [Theory]
    [InlineData("-H", HelpRequest.Full)]
    [InlineData("--help", HelpRequest.Full)]
    [InlineData("-h", HelpRequest.Short)]
    public void Parse_Help_WinsOverErrors(string flag, HelpRequest expected)
    {
        Assert.Null(ZkRsyncOptionsParser.Parse(["--bogus", flag], NoEnv, out var help));
        Assert.Equal(expected, help);
    }

    [Fact]
    public void ToString_HidesThePassword()
    {
        var o = Parse("--servers", "zk", "-S", "-r", "/d", "-p", "topsecret");
        Assert.DoesNotContain("topsecret", o.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RsType_FollowsTheOriginal()
    {
        Assert.Equal("source", Parse("--servers", "zk", "-S", "-r", "/d").RsType);
        Assert.Equal("dest", Parse("--servers", "zk", "-D", "-r", "/d").RsType);
        Assert.Equal("None", Parse("--servers", "zk", "--state").RsType);
    }
}
