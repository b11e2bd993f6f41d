using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Local.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Cli;

/// <summary>
/// A worker (<c>zkrsync -S/-D/--pathsonly</c>) given something it cannot work with, as a user would: each case
/// ends in one error line on stderr naming the thing, the cause and the fix, exit code 2 (the user must fix it
/// before anything starts), and no stack trace. Root ignores permission bits, so the permission cases run the
/// worker through <c>setpriv</c> without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: root then obeys them.
/// </summary>
public sealed class WorkerErrorTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>, IDisposable
{
    private const string ErrorPrefix = "zkrsync: error: ";
    private const string HelpHint = "Try 'zkrsync --help' for more information.";
    private static readonly string[] WithoutDacOverride = ["--bounding-set=-dac_override,-dac_read_search"];

    private readonly ScratchDirectory _scratch = new("zkrsync-errors-");

    [Fact]
    public async Task Worker_WithAMissingConfigFile_NamesItAndExits2()
    {
        var config = Path.Combine(_scratch.Path, "nope.cfg");
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "--pathsonly", "-r", Source(), "--configfiles", config]);
        CliRun.AssertOneLine(exit, stderr, $"zkrsync: error: cannot read config file {config}: it does not exist: check the --configfiles path (or ZKRSYNC_CONFIGFILES)");
        Assert.Equal(HelpHint, stderr[^1]);
    }

    [Fact]
    public async Task Worker_WithAConfigKeyOutsideAnySection_NamesFileAndLineAndExits2()
    {
        var config = Path.Combine(_scratch.Path, "bad.cfg");
        await File.WriteAllTextAsync(config, "# settings\ndepth = 2\n[MAIN]\n");
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "--pathsonly", "-r", Source(), "--configfiles", config]);
        CliRun.AssertOneLine(exit, stderr, $"zkrsync: error: {config}:2: key outside any [section]: depth = 2: put it under a section header such as [MAIN]");
    }

    [Fact]
    public async Task Worker_WithAnUnknownKeyInTheConfigsMainSection_SaysWhatKeysGoThereAndExits2()
    {
        var config = Path.Combine(_scratch.Path, "main.cfg");
        await File.WriteAllTextAsync(config, "[MAIN]\n--depth = 2\n");
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "--pathsonly", "-r", Source(), "--configfiles", config]);
        CliRun.AssertOneLine(exit, stderr,
            "zkrsync: error: config file [MAIN]: no option corresponding with '--depth': [MAIN] keys are long option names (see zkrsync -H), without the leading --");
    }

    [Fact]
    public async Task Worker_WithAnInvalidSessionName_SaysWhatANameMayBeAndExits2()
    {
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "--pathsonly", "-r", Source(), "-N", "a/b"]);
        CliRun.AssertOneLine(exit, stderr, $"zkrsync: error: option -N: invalid session name 'a/b': {ZnodeLayout.SessionNameRule}");
    }

    [Fact]
    public async Task Local_WithAnInvalidSessionName_SaysWhatANameMayBeAndExits2()
    {
        var (exit, stderr) = await RunAsync(["local", Source(), Path.Combine(_scratch.Path, "dst"), "-N", ".."]);
        CliRun.AssertOneLine(exit, stderr, $"zkrsync: error: option -N: invalid session name '..': {ZnodeLayout.SessionNameRule}");
        Assert.False(Directory.Exists(Path.Combine(_scratch.Path, "dst")));
    }

    /// <summary>A port nothing listens on: every attempt is refused until the (short) connect timeout.</summary>
    [Fact]
    public async Task Worker_WhenNothingListensAtTheServers_SaysCheckServersAndExits2()
    {
        var servers = $"127.0.0.1:{FreePort.Next()}";
        var (exit, stderr) = await RunAsync(["--servers", servers, "--connect-timeout", "1", "--pathsonly", "-r", Source()]);
        AssertOneErrorLine(exit, stderr,
            $"could not connect to ZooKeeper at {servers} within 1 s (Connection refused): check --servers (host:port of a running ZooKeeper, reachable from here) or raise --connect-timeout");
    }

    /// <summary>A session started with root:admin; a source with another password may not join it.</summary>
    [Fact]
    public async Task Source_WithAnotherPasswordThanTheSessions_SaysNoAuthAndExits2()
    {
        var session = $"noauth-{Guid.NewGuid():N}";
        var (made, madeErrors) = await RunAsync(["--servers", zooKeeper.ConnectionString, "--pathsonly", "-N", session, "-r", Source(), "--depth", "1"]);
        Assert.True(made == ExitCodes.Success, string.Join('\n', madeErrors));

        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-S", "-N", session, "-r", Source(), "-p", "not-the-password"]);
        var line = AssertOneErrorLine(exit, stderr, null);
        // The first node it is refused: the session node itself (its start reads the session's shared nodes at once).
        Assert.StartsWith($"not allowed (NoAuth) on /admin/rsync/{session}", line, StringComparison.Ordinal);
        Assert.EndsWith(
            ": its ACL does not admit user root with this password: give every worker of the session the --user and --passwd (or ZKRSYNC_PASSWD) it was started with",
            line,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_WhoseBaseItMayNotRead_SaysSoBeforeJoiningAndExits2()
    {
        var source = Source();
        Directory.CreateDirectory(Path.Combine(source, "a"));
        File.SetUnixFileMode(source, UnixFileMode.None);
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-S", "-r", source], WithoutDacOverride);
        AssertOneErrorLine(exit, stderr,
            $"--rsyncpath {source} cannot be read (permission denied): let the user zkrsync runs as read and enter it, or give -r a readable directory");
    }

    [Fact]
    public async Task Destination_WhoseBaseItMayNotWrite_SaysSoBeforeJoiningAndExits2()
    {
        var destination = _scratch.Subdirectory("dst");
        File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-D", "-r", destination, "--host", "127.0.0.1"], WithoutDacOverride);
        AssertOneErrorLine(exit, stderr,
            $"--rsyncpath {destination} is not writable (permission denied): let the user zkrsync runs as write there, or give -r a writable directory");
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    [Fact]
    public async Task Destination_OnAReadOnlyFileSystem_SaysSoBeforeJoiningAndExits2()
    {
        using var readOnly = Mount.Tmpfs(Path.Combine(_scratch.Path, "ro"), "ro,size=64k");
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-D", "-r", readOnly.Path, "--host", "127.0.0.1"]);
        AssertOneErrorLine(exit, stderr,
            $"--rsyncpath {readOnly.Path} is not writable (Read-only file system): let the user zkrsync runs as write there, or give -r a writable directory");
    }

    /// <summary>192.0.2.1 is a documentation address (TEST-NET-1), on no host: binding it fails at once, nothing is sent.</summary>
    [Theory]
    [InlineData("--bind")]
    [InlineData("--host")]
    public async Task Destination_WhoseListenAddressIsNotOnThisHost_SaysSoBeforeJoiningAndExits2(string option)
    {
        var destination = _scratch.Subdirectory("dst");
        string[] address = option == "--bind" ? ["--host", "127.0.0.1", "--bind", "192.0.2.1"] : ["--host", "192.0.2.1"];
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-D", "-r", destination, .. address]);
        var line = AssertOneErrorLine(exit, stderr, null);
        Assert.StartsWith($"{option} 192.0.2.1 is not an address of this host (Cannot assign requested address)", line, StringComparison.Ordinal);
        Assert.EndsWith("or 0.0.0.0 to listen on all", line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination));
    }

    /// <summary>A session with paths queued (a master with no destination keeps them); <c>--state</c> with another password
    /// is told its credentials are refused, not that there is no session.</summary>
    [Fact]
    public async Task State_WithAnotherPasswordThanTheSessions_SaysNoAuthAndExits2()
    {
        var source = Source();
        Directory.CreateDirectory(Path.Combine(source, "a"));
        await using var session = new LocalSession(zooKeeper.Server, output);
        await session.RunAsync(async () =>
        {
            await session.StartMasterAsync(source, 1);
            await session.Master!.WaitForLineAsync("pathqueue building finished", LocalSession.StartTimeout);

            var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-N", session.Name, "--state", "-p", "not-the-password"]);
            var line = AssertOneErrorLine(exit, stderr, null);
            Assert.StartsWith($"not allowed (NoAuth) on /admin/rsync/{session.Name}: its ACL does not admit user root with this password", line, StringComparison.Ordinal);

            var (active, _) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-N", session.Name, "--state"]);
            Assert.Equal(ExitCodes.Success, active);
            session.Master.Terminate();
        });
    }

    [Fact]
    public async Task State_OfASessionThatDoesNotExist_SaysNoActiveSessionAndExits14()
    {
        var (exit, stderr) = await RunAsync(["--servers", zooKeeper.ConnectionString, "-N", $"none-{Guid.NewGuid():N}", "--state"]);
        Assert.Equal(ExitCodes.NoSuchSession, exit);
        Assert.Contains(stderr, l => l.EndsWith("No active session", StringComparison.Ordinal));
    }

    /// <summary>A server whose digest authentication is switched off answers the digest credentials every worker sends
    /// with AuthFailed (as one whose authentication refuses them would).</summary>
    [Fact]
    public async Task Worker_WhenTheServerRejectsItsCredentials_SaysAuthFailedAndExits2()
    {
        await using var server = await ZooKeeperServer.StartNewAsync(
            new ZooKeeperServerOptions { SystemProperties = new Dictionary<string, string> { ["zookeeper.DigestAuthenticationProvider.enabled"] = "false" } },
            CancellationToken.None);
        var (exit, stderr) = await RunAsync(["--servers", server.ConnectionString, "--pathsonly", "-r", Source(), "-u", "alice"]);
        AssertOneErrorLine(exit, stderr, "ZooKeeper rejected the credentials of user alice (AuthFailed): check --user and --passwd (or ZKRSYNC_PASSWD)");
    }

    public void Dispose()
    {
        foreach (var directory in Directory.EnumerateDirectories(_scratch.Path))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _scratch.Dispose();
    }

    private string Source() => _scratch.Subdirectory("source");

    /// <summary>Exit 2 and one <c>zkrsync: error: …</c> line on stderr (its text after the prefix equal to
    /// <paramref name="expected"/> when given), no log line at error level, no stack trace; returns the text.</summary>
    private static string AssertOneErrorLine(int exit, IReadOnlyList<string> stderr, string? expected)
    {
        Assert.Equal(ExitCodes.Usage, exit);
        var line = Assert.Single(stderr, l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains(" EROR ", StringComparison.Ordinal) || l.Contains(" FATL ", StringComparison.Ordinal));
        Assert.StartsWith(ErrorPrefix, line, StringComparison.Ordinal);
        var text = line[ErrorPrefix.Length..];
        if (expected is not null)
        {
            Assert.Equal(expected, text);
        }

        CliRun.AssertNoStackTrace(stderr);
        return text;
    }

    private Task<(int Exit, IReadOnlyList<string> StandardError)> RunAsync(string[] arguments, string[]? setpriv = null) =>
        CliRun.RunAsync(output, arguments, setpriv);
}
