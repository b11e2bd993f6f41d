using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>
/// Our recipes against kazoo 2.8's on one server. Each scenario runs kazoo-only and mixed (ours
/// and kazoo in both roles), in separate chroots; its assertions must hold in every run, and the
/// trees dumped at the same point must be identical (names with uuid/sequence normalized, data,
/// ACLs, ephemeral or persistent).
/// </summary>
[Collection(RecipesServerCollection.Name)]
public sealed class KazooInteropTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    private delegate Task Scenario(TestChroot chroot, ZooKeeperClient observer, IRecipeActor a, IRecipeActor b, Func<Task> dump, CancellationToken cancellationToken);

    [Fact]
    public Task Lock_KazooAndOurs_ExcludeEachOtherInBothOrders_AndLeaveKazoosTree() =>
        RunEverywayAsync(async (chroot, observer, a, b, dump, token) =>
        {
            const string path = "/admin/rsync/s1/destslock";
            Assert.True(await a.LockAcquireAsync(path, "a-host:1", blocking: false, null, token));
            Assert.False(await b.LockAcquireAsync(path, "b-host:2", blocking: false, null, token));
            Assert.False(await b.LockAcquireAsync(path, "b-host:2", blocking: true, TimeSpan.FromMilliseconds(200), token));

            var waiting = b.LockAcquireAsync(path, "b-host:2", blocking: true, TimeSpan.FromSeconds(30), token);
            await Watches.WaitForChildrenAsync(observer, path, children => children.Count == 2, token);
            Assert.Equal(["a-host:1", "b-host:2"], await a.LockContendersAsync(path, token));
            await dump();
            Assert.False(waiting.IsCompleted);

            Assert.True(await a.LockReleaseAsync(path, token));
            Assert.True(await waiting.WaitAsync(token));
            Assert.False(await a.LockAcquireAsync(path, "a-host:1", blocking: false, null, token));
            Assert.True(await b.LockReleaseAsync(path, token));
            Assert.True(await a.LockAcquireAsync(path, "a-host:1", blocking: true, TimeSpan.FromSeconds(10), token));
        });

    [Fact]
    public Task Queue_EntriesPutByEitherSide_AreTakenAndConsumedByTheOther_InPriorityOrder() =>
        RunEverywayAsync(async (chroot, observer, a, b, dump, token) =>
        {
            const string path = "/admin/rsync/s1/pathQueue";
            await a.QueuePutAsync(path, "1_/src/a", 100, token);
            await b.QueuePutAsync(path, "1_/src/b", 100, token);
            await b.QueuePutAllAsync(path, ["0_/src", "1_/src/c"], 100, token);
            await a.QueuePutAsync(path, "1_/src/retry", 50, token);
            Assert.Equal(5, await b.QueueCountAsync(path, token));

            Assert.Equal("1_/src/retry", await b.QueueGetAsync(path, TimeSpan.Zero, token));
            Assert.Equal("1_/src/a", await a.QueueGetAsync(path, TimeSpan.Zero, token));
            Assert.Equal("1_/src/retry", await b.QueueGetAsync(path, TimeSpan.Zero, token));
            await dump();

            Assert.True(await b.QueueConsumeAsync(path, token));
            Assert.True(await a.QueueReleaseAsync(path, token));
            Assert.Equal(4, await a.QueueCountAsync(path, token));
            var order = new List<string?>();
            for (var i = 0; i < 4; i++)
            {
                var taker = i % 2 == 0 ? b : a;
                order.Add(await taker.QueueGetAsync(path, TimeSpan.Zero, token));
                Assert.True(await taker.QueueConsumeAsync(path, token));
            }

            Assert.Equal(["1_/src/a", "1_/src/b", "0_/src", "1_/src/c"], order);
            var waiting = a.QueueGetAsync(path, TimeSpan.FromSeconds(30), token);
            await b.QueuePutAsync(path, "4444:dest:1", 100, token);
            Assert.Equal("4444:dest:1", await waiting.WaitAsync(token));
            Assert.Null(await b.QueueGetAsync(path, TimeSpan.FromMilliseconds(100), token));
        });

    [Fact]
    public Task Queue_ABatchClaimedAndConsumedInOneTransactionEach_LeavesTheNodesOfOneKazooTakerPerEntry() =>
        RunEverywayAsync(async (chroot, observer, a, b, dump, token) =>
        {
            const string path = "/admin/rsync/s1/pathQueue";
            const string done = "/admin/rsync/s1/completedQueue";
            await a.QueuePutAllAsync(path, ["1_/src/a", "1_/src/b", "1_/src/c", "1_/src/d", "1_/src/e"], 100, token);

            Assert.Equal(["1_/src/a", "1_/src/b", "1_/src/c"], await b.QueueTakeBatchAsync(path, 3, token));
            Assert.Equal("1_/src/d", await a.QueueGetAsync(path, TimeSpan.Zero, token));
            Assert.Equal(5, await a.QueueCountAsync(path, token));

            Assert.Equal(3, await b.QueueConsumeBatchAsync(path, done, token));
            Assert.Equal(2, await a.QueueCountAsync(path, token));
            Assert.Equal(3, await a.QueueCountAsync(done, token));
            await dump();

            Assert.True(await a.QueueConsumeAsync(path, token));
            Assert.Equal(["1_/src/e"], await b.QueueTakeBatchAsync(path, 3, token));
            Assert.Equal(1, await b.QueueConsumeBatchAsync(path, done, token));
            Assert.Equal(0, await a.QueueCountAsync(path, token));
            var completed = new List<string?>();
            for (var i = 0; i < 4; i++)
            {
                completed.Add(await a.QueueGetAsync(done, TimeSpan.Zero, token));
                Assert.True(await a.QueueConsumeAsync(done, token));
            }

            Assert.Equal(["1_/src/a", "1_/src/b", "1_/src/c", "1_/src/e"], completed);
        });

    [Fact]
    public Task Party_KazooAndOurMembers_SeeEachOther() =>
        RunEverywayAsync(async (chroot, observer, a, b, dump, token) =>
        {
            const string path = "/admin/rsync/s1/parties/allsd";
            await a.PartyJoinAsync(path, "a-host:1", token);
            await b.PartyJoinAsync(path, "b-host:2", token);
            Assert.Equal(["a-host:1", "b-host:2"], (await a.PartyMembersAsync(path, token)).Order(StringComparer.Ordinal));
            Assert.Equal(["a-host:1", "b-host:2"], (await b.PartyMembersAsync(path, token)).Order(StringComparer.Ordinal));
            await dump();

            await a.PartyLeaveAsync(path, token);
            Assert.Equal(["b-host:2"], await b.PartyMembersAsync(path, token));
        });

    [Fact]
    public Task Counter_KazooAndOurs_AddToTheSameNode() =>
        RunEverywayAsync(async (chroot, observer, a, b, dump, token) =>
        {
            const string path = "/admin/rsync/s1/stats/Total_file_size";
            Assert.Equal(0, await b.CounterValueAsync(path, token));
            Assert.Equal(5, await a.CounterAddAsync(path, 5, token));
            Assert.Equal(12, await b.CounterAddAsync(path, 7, token));
            Assert.Equal(10, await a.CounterAddAsync(path, -2, token));
            Assert.Equal(10, await b.CounterValueAsync(path, token));
            await dump();
        });

    /// <summary>Runs <paramref name="scenario"/> with (kazoo, kazoo), (ours, kazoo) and (kazoo, ours);
    /// the mixed runs' dumps must equal the kazoo-only one.</summary>
    private Task RunEverywayAsync(Scenario scenario) =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            var token = timeout.Token;
            var reference = await RunOnceAsync(scenario, ours: null, token);
            foreach (var ours in new[] { "a", "b" })
            {
                var mixed = await RunOnceAsync(scenario, ours, token);
                Assert.Equal(reference, mixed);
            }
        });

    private async Task<IReadOnlyList<string>> RunOnceAsync(Scenario scenario, string? ours, CancellationToken token)
    {
        await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, token);
        var observer = await chroot.ConnectAsUserAsync(token);
        await using var a = ours == "a" ? await OurActor.StartAsync("a", chroot, token) : (IRecipeActor)await KazooActor.StartAsync("a", chroot, token);
        await using var b = ours == "b" ? await OurActor.StartAsync("b", chroot, token) : (IRecipeActor)await KazooActor.StartAsync("b", chroot, token);
        IReadOnlyList<string>? dumped = null;
        await scenario(chroot, observer, a, b, async () => dumped = await TreeDump.DumpAsync(observer, "/", token), token);
        var tree = dumped ?? throw new InvalidOperationException("The scenario took no dump.");
        output.WriteLine($"--- tree ({(ours is null ? "kazoo only" : "ours as " + ours)}) ---");
        foreach (var line in tree)
        {
            output.WriteLine(line);
        }

        return tree;
    }
}
