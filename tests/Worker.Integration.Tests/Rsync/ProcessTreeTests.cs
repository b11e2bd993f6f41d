using System.Diagnostics;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.IntegrationTests.Rsync;

/// <summary>How a destination ends its rsync daemon: every descendant found and ended, one that ignores SIGTERM too.</summary>
public sealed class ProcessTreeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Descendants_AndTerminate_FindAndEndChildrenAndGrandchildren_OneThatIgnoresSigterm_Too()
    {
        // root (sh) -> child (sh, ignores SIGTERM) -> grandchild (sleep); root -> second child (sleep).
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("sh -c 'trap \"\" TERM; sleep 300 & echo $!; wait' & sleep 300 & echo ready; wait");
        using var root = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        try
        {
            var lines = new List<string>();
            using var cts = new CancellationTokenSource(Timeout);
            while (lines.Count < 2 && await root.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                lines.Add(line);
            }

            var grandchild = int.Parse(lines.Single(l => l != "ready"), System.Globalization.CultureInfo.InvariantCulture);
            var descendants = ProcessTree.Descendants(root.Id);
            Assert.Contains(grandchild, descendants);
            Assert.Equal(3, descendants.Count);

            await ProcessTree.TerminateAsync(root);

            Assert.True(root.HasExited);
            foreach (var pid in descendants)
            {
                // SIGKILL is delivered, not waited for: the process is gone a moment later.
                await WaitUntilAsync(() => !IsRunning(pid), $"{pid} still runs");
            }
        }
        finally
        {
            if (!root.HasExited)
            {
                root.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string message)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Timeout, message);
            await Task.Delay(10);
        }
    }

    /// <summary>Alive and not a zombie (an orphan waits for its new parent to reap it).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            return ProcessTree.AfterCommand(File.ReadAllText($"/proc/{pid}/stat")) is not ['Z', ..] and not ['X', ..];
        }
        catch (IOException)
        {
            return false;
        }
    }
}
