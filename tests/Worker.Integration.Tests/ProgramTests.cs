using System.Runtime.InteropServices;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests;

public sealed class ProgramTests
{
    [Fact]
    public async Task Main_Help_ExitsZero()
    {
        Assert.Equal(ExitCodes.Success, await Program.Main(["-H"]));
    }

    [Fact]
    public async Task Main_UsageError_ExitsWithUsageCode()
    {
        Assert.Equal(ExitCodes.Usage, await Program.Main(["--servers", "zk", "-S", "-D", "-r", "/x"]));
        Assert.Equal(ExitCodes.Usage, await Program.Main(["--no-such-option"]));
    }

    [Fact]
    public async Task Main_UnreachableServers_IsAUsageErrorAfterTheConnectTimeout()
    {
        // Port 1 on loopback: nothing listens there, so every attempt is refused until the timeout.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Assert.Equal(ExitCodes.Usage, await Program.Main(["--servers", "127.0.0.1:1", "--state", "--logfile=", "--connect-timeout", "1"]));
        Assert.InRange(System.Diagnostics.Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Main_BadLogfileTemplate_IsAUsageError()
    {
        Assert.Equal(ExitCodes.Usage, await Program.Main(["--servers", "zk", "--state", "--logfile", "/tmp/%(nope)s.log"]));
    }

    [Fact]
    public async Task Main_LogFile_IsCreatedFromTheTemplate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "zkrsync-prog-" + Guid.NewGuid().ToString("N"));
        try
        {
            await Program.Main(["--servers", "127.0.0.1:1", "--state", "-N", "s9", "--connect-timeout", "1", "--logfile", dir + "/%(session)s-%(rstype)s.log"]);
            var log = Path.Combine(dir, "s9-None.log");
            Assert.True(File.Exists(log));
            Assert.Contains($"Logging to file {log}", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A PATH holding only an empty directory has no rsync (DOTNET_ROOT tells the apphost where the runtime is).</summary>
    [Fact]
    public async Task Source_WithoutRsyncOnPath_SaysWhatToInstallAndExits2BeforeConnecting()
    {
        using var scratch = new ScratchDirectory();
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = scratch.Subdirectory("empty-bin"),
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
        };

        // Port 1: were it to connect first, it would wait out the connect timeout and fail differently.
        await using var source = ZkRsyncProcess.Start(
            "source", ["--servers", "127.0.0.1:1", "--connect-timeout", "30", "-S", "-r", scratch.Path, "--logfile="], environment);

        Assert.Equal(ExitCodes.Usage, await source.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("rsync is not installed (not found in PATH)", source.Output, StringComparison.Ordinal);
    }
}
