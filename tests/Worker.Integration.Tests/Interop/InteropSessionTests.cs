using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Interop.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Interop;

/// <summary>
/// Sessions that mix our zkrsync with original-style workers (<c>Scripts/original_zkrsync.py</c>: the
/// original's roles with kazoo 2.8's recipes, node names and data): each role of ours must work with
/// each role of the original. Every session must end with an exact copy, every worker exiting 0, and
/// only the persistent skeleton left in ZooKeeper.
/// </summary>
public sealed class InteropSessionTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Depth = 2;

    [Fact]
    public async Task OurMasterAndDestinations_WithOriginalSources_MakeAnExactCopy()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);
        await using var ours = new LocalSession(zooKeeper.Server, output);
        await using var session = new MixedSession(ours, output);

        await session.RunAsync(async () =>
        {
            await ours.StartMasterAsync(source, Depth);

            // An original source holds one destination entry for life: offer one per source.
            await ours.StartDestinationAsync(destination, ["--slots", "2"]);
            await ours.StartDestinationAsync(destination, ["--slots", "2"]);
            await session.StartOriginalSourceAsync(source, Depth);
            await session.StartOriginalSourceAsync(source, Depth);

            await AssertFinishedAsync(session, source, destination);
        });
    }

    [Fact]
    public async Task OurMasterAndSources_WithOriginalDestinations_MakeAnExactCopy()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);
        await using var ours = new LocalSession(zooKeeper.Server, output);
        await using var session = new MixedSession(ours, output);

        await session.RunAsync(async () =>
        {
            await ours.StartMasterAsync(source, Depth);
            await session.StartOriginalDestinationAsync(destination);
            await session.StartOriginalDestinationAsync(destination);
            ours.StartSource(source, Depth);
            ours.StartSource(source, Depth);

            await AssertFinishedAsync(session, source, destination);
        });
    }

    [Fact]
    public async Task OriginalMaster_WithOurSourcesAndDestinations_MakesAnExactCopy()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);
        await using var ours = new LocalSession(zooKeeper.Server, output);
        await using var session = new MixedSession(ours, output);

        await session.RunAsync(async () =>
        {
            await session.StartOriginalMasterAsync(source, Depth);
            await ours.StartDestinationAsync(destination);
            await ours.StartDestinationAsync(destination);
            ours.StartSource(source, Depth);
            ours.StartSource(source, Depth);

            await AssertFinishedAsync(session, source, destination);
        });
    }

    [Fact]
    public async Task MixedSession_OurAndOriginalSourcesAndDestinationsTogether_MakesAnExactCopy()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);
        await using var ours = new LocalSession(zooKeeper.Server, output);
        await using var session = new MixedSession(ours, output);

        await session.RunAsync(async () =>
        {
            await ours.StartMasterAsync(source, Depth);
            await ours.StartDestinationAsync(destination, ["--slots", "2"]);
            await session.StartOriginalDestinationAsync(destination);
            await session.StartOriginalSourceAsync(source, Depth);
            ours.StartSource(source, Depth, ["--batch", "1"]);
            await session.StartOriginalSourceAsync(source, Depth);
            ours.StartSource(source, Depth, ["--batch", "1"]);

            await AssertFinishedAsync(session, source, destination);
        });
    }

    private static (string Source, string Destination) Trees(ScratchDirectory scratch)
    {
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");
        InteropTree.Build(source);
        return (source, destination);
    }

    private static async Task AssertFinishedAsync(MixedSession session, string source, string destination)
    {
        await session.AssertAllExitZeroAsync(TimeSpan.FromSeconds(90));
        TreeVerifier.AssertIdentical(source, destination);
        await SessionAssert.OnlyPersistentNodesWithoutQueuesAsync(session.Ours);
    }
}
