using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Interop.Support;
using ZkSync.Worker.IntegrationTests.Sessions.Support;
using ZkSync.Worker.IntegrationTests.Wire.Support;

namespace ZkSync.Worker.IntegrationTests.Wire;

/// <summary>
/// What our workers write to ZooKeeper, read back with kazoo mid-run and held against PROTOCOL.md's
/// znode table: names (uuid and sequence normalised), data bytes, ephemeral or persistent, and the one
/// digest ACL every node carries. The queue is kept full by starting the master and destinations
/// without sources; a source slowed by <c>--bwlimit</c> then shows the taken nodes and the stats.
/// The same phase of an original-style session (kazoo scripts) must produce the same tree.
/// </summary>
public sealed partial class WireFormatTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Depth = 2;

    /// <summary>The whole session with two destinations and a master, before any source: PROTOCOL.md's table.</summary>
    private static readonly string[] QueuedPhase =
    [
        "P  = ",
        "P /completedQueue = ",
        "P /completedQueue/entries = ",
        "P /completedQueue/taken = ",
        "P /destQueue = ",
        "P /destQueue/entries = ",
        "P /destQueue/entries/entry-100-<seq> = <port+0>:<dest-1>",
        "P /destQueue/entries/entry-100-<seq> = <port+1>:<dest-2>",
        "P /destQueue/taken = ",
        "P /dests = ",
        "E /dests/<dest-1> = active",
        "E /dests/<dest-2> = active",
        "P /destslock = ",
        "P /failedQueue = ",
        "P /failedQueue/entries = ",
        "P /failedQueue/taken = ",
        "P /failures = ",
        "P /lock = ",
        "E /lock/<uuid>__lock__<seq> = ",
        "P /parties = ",
        "P /parties/allsd = ",
        "E /parties/allsd/<uuid>__party__ = <dest-1>",
        "E /parties/allsd/<uuid>__party__ = <dest-2>",
        "E /parties/allsd/<uuid>__party__ = <master>",
        "P /parties/dests = ",
        "E /parties/dests/<uuid>__party__ = <dest-1>",
        "E /parties/dests/<uuid>__party__ = <dest-2>",
        "P /parties/sources = ",
        "E /parties/sources/<uuid>__party__ = <master>",
        "P /pathQueue = ",
        "P /pathQueue/entries = ",
        "P /pathQueue/entries/entry-100-<seq> = 0_<base>",
        "P /pathQueue/entries/entry-100-<seq> = 0_<base>/a",
        "P /pathQueue/entries/entry-100-<seq> = 0_<base>/b c",
        "P /pathQueue/entries/entry-100-<seq> = 0_<base>/d_e",
        "P /pathQueue/entries/entry-100-<seq> = 1_<base>/a/x",
        "P /pathQueue/entries/entry-100-<seq> = 1_<base>/b c/y",
        "P /pathQueue/taken = ",
        "P /portlock = ",
        "P /portmap = ",
        "P /progress = <progress>",
        "E /portmap/<dest-1> = <port+0>",
        "E /portmap/<dest-2> = <port+1>",
        "P /stats = ",
        "P /usedports = ",
        "P /usedports/127.0.0.1 = ",
        "E /usedports/127.0.0.1/<port+0> = ",
        "E /usedports/127.0.0.1/<port+1> = ",
        "P /walkcursor = 1_<base>/b c/y",
        "P /watch = ",
        "P /watch/ready = start",
    ];

    /// <summary>What our master creates before the original would (harmless: empty queues and counters; "empty means 0"),
    /// and our additions (docs/PROTOCOL.md, "Our additions"), which the original does not have.</summary>
    private static readonly Regex OursCreatesEarlier = EarlyNodes();

    [Fact]
    public async Task OurSession_MidRun_MatchesTheProtocolTableNodeForNode()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);
        await using var session = new LocalSession(zooKeeper.Server, output);

        await session.RunAsync(async () =>
        {
            var dest1 = await session.StartDestinationAsync(destination);
            var dest2 = await session.StartDestinationAsync(destination);
            var master = await session.StartMasterAsync(source, Depth);
            await master.WaitForLineAsync("pathqueue building finished", LocalSession.StartTimeout);
            var labels = new Dictionary<int, string>
            {
                [master.ProcessId] = "<master>",
                [dest1.ProcessId] = "<dest-1>",
                [dest2.ProcessId] = "<dest-2>",
            };

            // 1. Queued, no source yet: the whole tree, exactly.
            var queued = await KazooTreeDump.DumpAsync(session.ConnectionString, ZnodeLayout.Admin);
            AssertEveryNodeHasOnlyTheRootDigestAcl(queued);
            var normalizer = new WireNormalizer(session.SessionPath, source, session.StartPort, labels);
            Assert.Equal(QueuedPhase.Order(StringComparer.Ordinal), normalizer.Lines(queued));
            Assert.Contains(queued, n => n.Path == ZnodeLayout.Admin && !n.Ephemeral && n.Data.Length == 0);
            Assert.Contains(queued, n => n.Path == ZnodeLayout.RsyncBase && !n.Ephemeral && n.Data.Length == 0);
            AssertSequencesFollowPutOrder(queued, ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(session.Name)));

            // 2. A source in the middle of its first (slowed) transfer: one taken path, one taken destination slot.
            var slow = session.StartSource(source, Depth, ["--batch", "1", "--arbitopts", "bwlimit:64"]);
            labels[slow.ProcessId] = "<source-1>";
            await slow.WaitForLineAsync("is sending", LocalSession.StartTimeout);
            var transferring = await KazooTreeDump.DumpAsync(session.ConnectionString, session.SessionPath);
            AssertEveryNodeHasOnlyTheRootDigestAcl(transferring);
            AssertOneTakenEntryHeldByAQueueId(transferring, ZnodeLayout.PathQueue(session.Name));
            AssertOneTakenEntryHeldByAQueueId(transferring, ZnodeLayout.DestQueue(session.Name));
            var lines = new WireNormalizer(session.SessionPath, source, session.StartPort, labels).Lines(transferring);
            Assert.Contains("E /parties/allsd/<uuid>__party__ = <source-1>", lines);
            Assert.Contains("E /parties/sources/<uuid>__party__ = <source-1>", lines);

            // 3. After the first transfer: the counters hold ASCII decimals. The source is frozen in its second (slowed)
            // transfer while they are read, so the session cannot end and be cleaned up under the read.
            await slow.WaitForLineAsync("is sending 1 path(s) starting with 0_" + source + "/", LocalSession.StartTimeout);
            var frozen = slow.StopTree();
            IReadOnlyList<ZnodeDump> counted;
            try
            {
                counted = await KazooTreeDump.DumpAsync(session.ConnectionString, ZnodeLayout.Stats(session.Name));
            }
            finally
            {
                ZkRsyncProcess.Continue(frozen);
            }

            Assert.Equal(ZnodeLayout.StatKeys.Order(StringComparer.Ordinal), counted.Skip(1).Select(n => n.Name));
            Assert.All(counted.Skip(1), n => Assert.Matches("^[0-9]*$", n.Text));
            Assert.True(long.Parse(counted.Single(n => n.Name == "Total_transferred_file_size").Text, System.Globalization.CultureInfo.InvariantCulture) >= BigFileSize);

            await session.AssertAllExitAsync(ExitCodes.Success, TimeSpan.FromSeconds(90));
            TreeVerifier.AssertIdentical(source, destination);
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }

    [Fact]
    public async Task OriginalSession_SamePhase_HasTheSameTreeAsOurs()
    {
        using var scratch = new ScratchDirectory();
        var (source, destination) = Trees(scratch);

        // Ours.
        await using var ourSession = new LocalSession(zooKeeper.Server, output);
        IReadOnlyList<string> ours = [];
        await ourSession.RunAsync(async () =>
        {
            var dest1 = await ourSession.StartDestinationAsync(destination);
            var dest2 = await ourSession.StartDestinationAsync(destination);
            var master = await ourSession.StartMasterAsync(source, Depth);
            await master.WaitForLineAsync("pathqueue building finished", LocalSession.StartTimeout);
            var labels = new Dictionary<int, string> { [master.ProcessId] = "<master>", [dest1.ProcessId] = "<dest-1>", [dest2.ProcessId] = "<dest-2>" };
            ours = new WireNormalizer(ourSession.SessionPath, source, ourSession.StartPort, labels)
                .Lines(await KazooTreeDump.DumpAsync(ourSession.ConnectionString, ourSession.SessionPath));
            ourSession.StartSource(source, Depth);
            await ourSession.AssertAllExitAsync(ExitCodes.Success, TimeSpan.FromSeconds(90));
        });

        // The original's, same phase: master and two destinations, no source.
        using var scratch2 = new ScratchDirectory();
        var destination2 = scratch2.Subdirectory("destination");
        await using var shell = new LocalSession(zooKeeper.Server, output);
        await using var original = new MixedSession(shell, output);
        await original.RunAsync(async () =>
        {
            var dest1 = await original.StartOriginalDestinationAsync(destination2);
            var dest2 = await original.StartOriginalDestinationAsync(destination2);
            var master = await original.StartOriginalMasterAsync(source, Depth);
            await master.WaitForLineAsync("pathqueue building finished", LocalSession.StartTimeout);
            var labels = new Dictionary<int, string> { [master.ProcessId] = "<master>", [dest1.ProcessId] = "<dest-1>", [dest2.ProcessId] = "<dest-2>" };
            var dump = await KazooTreeDump.DumpAsync(shell.ConnectionString, shell.SessionPath);
            AssertEveryNodeHasOnlyTheRootDigestAcl(dump);
            var theirs = new WireNormalizer(shell.SessionPath, source, shell.StartPort, labels).Lines(dump);

            output.WriteLine("only in ours: " + string.Join(" | ", ours.Except(theirs)));
            Assert.Empty(theirs.Except(ours));
            Assert.All(ours.Except(theirs), line => Assert.Matches(OursCreatesEarlier, line));
            Assert.Equal(QueuedPhase.Order(StringComparer.Ordinal).Where(l => !OursCreatesEarlier.IsMatch(l)), theirs);

            await original.StartOriginalSourceAsync(source, Depth);
            await original.AssertAllExitZeroAsync(TimeSpan.FromSeconds(90));
            TreeVerifier.AssertIdentical(source, destination2);
        });
    }

    private const int BigFileSize = 160 * 1024;

    private static (string Source, string Destination) Trees(ScratchDirectory scratch)
    {
        var source = scratch.Subdirectory("source");
        var destination = scratch.Subdirectory("destination");

        // The base's own files are the first entry: at 64 KiB/s its big file keeps a source busy ~2.5 s; a's, the
        // second, ~1 s.
        var tree = new TreeBuilder(source);
        tree.File("big.bin", BigFileSize)
            .File("a/f", 64 * 1024).File("a/x/g", 11)
            .File("b c/f", 12).Directory("b c/y")
            .Directory("d_e");
        tree.Seal();
        return (source, destination);
    }

    private static void AssertEveryNodeHasOnlyTheRootDigestAcl(IReadOnlyList<ZnodeDump> nodes)
    {
        var digest = "root:" + Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes("root:admin")));
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.Equal([new ZnodeAcl("digest", digest, 31)], n.Acl));
    }

    /// <summary>Sequence numbers are 10 digits and follow the order the master put the entries (the walk's order).</summary>
    private static void AssertSequencesFollowPutOrder(IReadOnlyList<ZnodeDump> nodes, string entriesPath)
    {
        var entries = nodes.Where(n => n.Path.StartsWith(entriesPath + "/", StringComparison.Ordinal)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        Assert.All(entries, e => Assert.Matches("^entry-100-[0-9]{10}$", e.Name));
        Assert.Equal("0000000000", entries[0].Name[^10..]);
        Assert.StartsWith("0_", entries[0].Text, StringComparison.Ordinal);
    }

    private static void AssertOneTakenEntryHeldByAQueueId(IReadOnlyList<ZnodeDump> nodes, string queuePath)
    {
        var taken = nodes.Where(n => n.Path.StartsWith(queuePath + "/taken/", StringComparison.Ordinal)).ToList();
        var entries = nodes.Where(n => n.Path.StartsWith(queuePath + "/entries/", StringComparison.Ordinal)).Select(n => n.Name).ToList();
        var node = Assert.Single(taken);
        Assert.True(node.Ephemeral, $"{node.Path} must be ephemeral");
        Assert.Matches("^[0-9a-f]{32}$", node.Text);
        Assert.Contains(node.Name, entries);
    }

    [GeneratedRegex(@"^P /(completedQueue|failedQueue)(/entries|/taken)? = $|^P /stats/[A-Za-z_]+ = $|^P /(progress|walkcursor|failures) = ", RegexOptions.CultureInvariant)]
    private static partial Regex EarlyNodes();
}
