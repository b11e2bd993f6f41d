using ZkSync.Contracts;

namespace ZkSync.Worker.Tests;

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
    public async Task Main_RoleNotYetWired_ReportsACrashNeverSuccess()
    {
        Assert.Equal(ExitCodes.Crash, await Program.Main(["--servers", "127.0.0.1:1", "--state", "--logfile="]));
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
            await Program.Main(["--servers", "zk", "--state", "-N", "s9", "--logfile", dir + "/%(session)s-%(rstype)s.log"]);
            var log = Path.Combine(dir, "s9-None.log");
            Assert.True(File.Exists(log));
            Assert.Contains("not yet implemented", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
