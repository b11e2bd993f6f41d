using ZkSync.Testing;
using Xunit.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Infrastructure;

public sealed class KazooScriptTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public Task KazooScript_CreatesANodeAndReadsItBackThroughKazoo() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            var path = $"/kazoo/{Guid.NewGuid():N}";

            var created = await KazooScript.RunAsync(KazooScripts.CreateAndRead, [fixture.ConnectionString, path, "hello"], null, null, timeout.Token);
            var read = await KazooScript.RunAsync(KazooScripts.Read, [fixture.ConnectionString, path], null, null, timeout.Token);

            Assert.Equal("hello", created.EnsureSuccess().StandardOutput.Trim());
            Assert.Equal("hello", read.EnsureSuccess().StandardOutput.Trim());
        });

    [Fact]
    public async Task KazooScript_PassesArgumentsAndEnvironmentUnchanged()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        const string script = "import os, sys; print(repr(sys.argv[1:])); print(os.environ['ZKSYNC_TEST_VALUE'])";

        var result = await KazooScript.RunAsync(
            script,
            ["two words", "'quoted'", "$HOME;"],
            new Dictionary<string, string> { ["ZKSYNC_TEST_VALUE"] = "from the test" },
            null,
            timeout.Token);

        Assert.Equal("['two words', \"'quoted'\", '$HOME;']\nfrom the test\n", result.EnsureSuccess().StandardOutput);
    }

    [Fact]
    public async Task KazooScript_WhenTheScriptFails_ReportsItsExitCodeAndStandardError()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);

        var result = await KazooScript.RunAsync("import sys; sys.stderr.write('broken\\n'); sys.exit(3)", timeout.Token);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("broken\n", result.StandardError);
        var failure = Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess());
        Assert.Contains("broken", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KazooScript_WhenTheScriptOutlivesItsTimeout_KillsItAndThrowsTimeout()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        const string hang = "import threading; print('waiting', flush=True); threading.Event().wait()";

        var failure = await Assert.ThrowsAsync<TimeoutException>(
            () => KazooScript.RunAsync(hang, null, null, TimeSpan.FromSeconds(2), timeout.Token));

        Assert.Contains("waiting", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KazooScript_WhenCancelled_KillsTheScriptAndThrowsCancellation()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        const string hang = "import threading; threading.Event().wait()";

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => KazooScript.RunAsync(hang, null, null, TestTimeout, cancellation.Token));
    }

    [Fact]
    public async Task KazooScript_RunsAScriptFileWithItsArguments()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var scriptPath = Path.Combine(Directory.CreateTempSubdirectory("zksync-kazoo-").FullName, "script.py");
        await File.WriteAllTextAsync(scriptPath, "import sys\nimport kazoo\nprint(sys.argv[1])\n", timeout.Token);
        try
        {
            var result = await KazooScript.RunFileAsync(scriptPath, ["from a file"], null, null, timeout.Token);

            Assert.Equal("from a file\n", result.EnsureSuccess().StandardOutput);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(scriptPath)!, recursive: true);
        }
    }
}
