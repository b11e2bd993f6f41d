using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Faults;

/// <summary>
/// A session on a 3-member ensemble whose members are restarted one after another while paths are being
/// transferred, as Kubernetes rolls a StatefulSet: a pass with a clean stop of each member, then a pass with
/// SIGKILL. Clients on a stopped member move to another, a restarted leader makes the others elect a new one;
/// every worker rides through, and the session completes with an exact copy and every process exiting 0.
/// </summary>
public sealed class EnsembleRollingRestartTests(ITestOutputHelper output)
{
    private const int Directories = 6;
    private const int Subdirectories = 6;
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(300);

    /// <summary>A tick of 1 s lets sessions last 20 s (the server's maximum is 20 ticks): an election after a killed
    /// leader takes a few seconds on a loaded machine.</summary>
    private static readonly ZooKeeperServerOptions EnsembleOptions = ZooKeeperServerOptions.Default with { TickTime = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task MembersRestartedOneAfterAnotherMidSession_CleanlyThenKilled_TheSessionCompletes()
    {
        using var timeout = new CancellationTokenSource(SessionTimeout);
        await using var ensemble = await ZooKeeperEnsemble.StartNewAsync(EnsembleOptions, timeout.Token);
        using var scratch = new ScratchDirectory();
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        GridTree.Build(source, Directories, Subdirectories, 48 * 1024);
        await using var session = new LocalSession(ensemble.ConnectionString, ensemble.ConnectionString, () => ensemble.Log, output);

        await session.RunAsync(async () =>
        {
            // One slow source (about 6 s per path: 48 KiB at 8 KiB/s) keeps the session going through both passes of
            // restarts, however long they take; fast sources started afterwards finish it.
            string[] sessionTimeout = ["--zk-session-timeout", "20"];
            await session.StartAllAsync(source, destination, sources: 1, destinations: 2, depth: GridTree.Depth,
                extra: [.. sessionTimeout, "--batch", "1", "--arbitopts", "bwlimit:8"], destinationExtra: sessionTimeout);
            await session.Master!.WaitForLineAsync("Completed Path", TimeSpan.FromSeconds(120));

            foreach (var kill in new[] { false, true })
            {
                foreach (var member in ensemble.Members)
                {
                    Assert.False(session.Master.HasExited, $"the session ended before {member.Name} was restarted: make it last longer");
                    if (kill)
                    {
                        await member.KillAsync(timeout.Token);
                    }
                    else
                    {
                        await member.StopAsync(timeout.Token);
                    }

                    await member.StartAsync(timeout.Token);
                    await ensemble.WaitForQuorumAsync(timeout.Token);
                    output.WriteLine($"{member.Name} {(kill ? "killed" : "stopped")} and back at {DateTimeOffset.Now:HH:mm:ss.fff}");
                }
            }

            session.StartSource(source, GridTree.Depth, sessionTimeout);
            session.StartSource(source, GridTree.Depth, sessionTimeout);
            await session.AssertAllExitAsync(ExitCodes.Success, SessionTimeout);
            TreeVerifier.AssertIdentical(source, destination);
            var summary = SessionSummaryDocument.FromJson(await File.ReadAllBytesAsync(session.SummaryPath));
            Assert.NotNull(summary);
            Assert.Equal(GridTree.Entries(Directories, Subdirectories), summary.PathsCompleted);
            Assert.Equal(0, summary.PathsFailed + summary.PathsUnfinished);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }
}
