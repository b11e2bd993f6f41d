using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class DistributedLockTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string LockPath = "/app/lock";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public Task TryAcquire_WhenFree_CreatesAnEphemeralSequentialNodeWithTheIdentifier() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var recipe = new DistributedLock(client, LockPath, "node7:9561", chroot.RecipeOptions);

            Assert.True(await recipe.TryAcquireAsync(timeout.Token));

            var children = (await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children;
            var node = Assert.Single(children);
            Assert.Matches("^[0-9a-f]{32}__lock__0000000000$", node);
            Assert.Equal(node, recipe.NodeName);
            var data = await client.GetDataAsync(LockPath + "/" + node, null, timeout.Token);
            Assert.Equal("node7:9561", Encoding.UTF8.GetString(data.Data));
            Assert.True(data.Stat.IsEphemeral);
            Assert.True(recipe.IsAcquired);

            Assert.True(await recipe.ReleaseAsync(timeout.Token));
            Assert.False(await recipe.ReleaseAsync(timeout.Token));
            Assert.Empty((await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children);
        });

    [Fact]
    public Task TryAcquire_WhenHeld_ReturnsFalseAndLeavesNoNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var holder = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), LockPath, "holder", chroot.RecipeOptions);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var other = new DistributedLock(client, LockPath, "other", chroot.RecipeOptions);
            Assert.True(await holder.TryAcquireAsync(timeout.Token));

            Assert.False(await other.TryAcquireAsync(timeout.Token));

            Assert.Single((await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children);
            Assert.Null(other.NodeName);
            Assert.Equal(["holder"], await other.GetContendersAsync(timeout.Token));
        });

    [Fact]
    public Task Acquire_WithSeveralWaiters_GrantsInCreationOrderAndReportsContendersInOrder() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var observer = await chroot.ConnectAsUserAsync(timeout.Token);
            var locks = new List<DistributedLock>();
            var waits = new List<Task<bool>>();
            for (var i = 0; i < 4; i++)
            {
                var recipe = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), LockPath, $"c{i}", chroot.RecipeOptions);
                locks.Add(recipe);
                waits.Add(recipe.AcquireAsync(null, timeout.Token));
                var expected = i + 1;
                await Watches.WaitForChildrenAsync(observer, LockPath, children => children.Count == expected, timeout.Token);
            }

            Assert.Equal(["c0", "c1", "c2", "c3"], await locks[0].GetContendersAsync(timeout.Token));
            for (var i = 0; i < locks.Count; i++)
            {
                Assert.True(await waits[i].WaitAsync(timeout.Token));
                Assert.All(waits.Skip(i + 1), wait => Assert.False(wait.IsCompleted));
                Assert.True(await locks[i].ReleaseAsync(timeout.Token));
            }
        });

    [Fact]
    public Task Acquire_WhenTimeoutExpires_ReturnsFalseAndDeletesItsNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var holder = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), LockPath, "holder", chroot.RecipeOptions);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var waiter = new DistributedLock(client, LockPath, "waiter", chroot.RecipeOptions);
            Assert.True(await holder.TryAcquireAsync(timeout.Token));

            Assert.False(await waiter.AcquireAsync(TimeSpan.FromMilliseconds(300), timeout.Token));

            Assert.Single((await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children);
            Assert.False(waiter.IsAcquired);
        });

    [Fact]
    public Task Acquire_WhenCancelled_ThrowsAndDeletesItsNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var holder = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), LockPath, "holder", chroot.RecipeOptions);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var waiter = new DistributedLock(client, LockPath, "waiter", chroot.RecipeOptions);
            Assert.True(await holder.TryAcquireAsync(timeout.Token));
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);

            var wait = waiter.AcquireAsync(null, cancel.Token);
            await Watches.WaitForChildrenAsync(client, LockPath, children => children.Count == 2, timeout.Token);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
            Assert.Single((await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children);
        });

    [Fact]
    public Task Acquire_WhenTheHolderSessionExpires_GrantsTheNextContender() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var (holderClient, _, _, waiter, wait) = await HolderAndWaiterAsync(chroot, timeout.Token);

            await chroot.ExpireAsync(holderClient, timeout.Token);

            Assert.True(await wait.WaitAsync(timeout.Token));
            Assert.Equal(["waiter"], await waiter.GetContendersAsync(timeout.Token));
        });

    [Fact]
    public Task ReleaseWith_AppliesTheOperationsInTheReleasingTransaction_SoTheNextHolderSeesThem() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var (holderClient, holder, client, waiter, wait) = await HolderAndWaiterAsync(chroot, timeout.Token);
            var holderNode = LockPath + "/" + holder.NodeName;

            await holder.ReleaseWithAsync(
                [Op.Create("/app/port", Encoding.ASCII.GetBytes("4444"), chroot.RecipeOptions.Acl, CreateMode.Ephemeral)], timeout.Token);

            Assert.True(await wait.WaitAsync(timeout.Token));
            Assert.False(holder.IsAcquired);
            Assert.Null(holder.NodeName);
            Assert.Null(await client.ExistsAsync(holderNode, null, timeout.Token));
            var port = await client.GetDataAsync("/app/port", null, timeout.Token);
            Assert.Equal("4444", Encoding.ASCII.GetString(port.Data));
            Assert.Equal(holderClient.SessionId, port.Stat.EphemeralOwner);

            // One transaction: the node was made by the write that deleted the holder's lock node.
            Assert.Equal((await client.ExistsAsync(LockPath, null, timeout.Token))!.Pzxid, port.Stat.Czxid);
            Assert.Equal(["waiter"], await waiter.GetContendersAsync(timeout.Token));
        });

    [Fact]
    public Task ReleaseWith_WhenAnOperationFails_AppliesNothingAndKeepsTheLock() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var holder = new DistributedLock(client, LockPath, "holder", chroot.RecipeOptions);
            var acl = chroot.RecipeOptions.Acl;
            Assert.True(await holder.TryAcquireAsync(timeout.Token));
            await client.CreateAsync("/app/taken", ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent, timeout.Token);

            var failed = await Assert.ThrowsAsync<NodeExistsException>(() => holder.ReleaseWithAsync(
                [Op.Create("/app/fresh", ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent), Op.Create("/app/taken", ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent)],
                timeout.Token));

            Assert.Equal(1, failed.FailedOperationIndex);
            Assert.Null(await client.ExistsAsync("/app/fresh", null, timeout.Token));
            Assert.True(holder.IsAcquired);
            Assert.Equal(["holder"], await holder.GetContendersAsync(timeout.Token));
            Assert.True(await holder.ReleaseAsync(timeout.Token));
            Assert.Empty((await client.GetChildrenAsync(LockPath, null, timeout.Token)).Children);
        });

    [Fact]
    public Task Acquire_WhenTheHolderClientCloses_GrantsTheNextContender() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var holderClient = await chroot.ConnectAsUserAsync(timeout.Token);
            var holder = new DistributedLock(holderClient, LockPath, "holder", chroot.RecipeOptions);
            var waiter = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), LockPath, "waiter", chroot.RecipeOptions);
            Assert.True(await holder.TryAcquireAsync(timeout.Token));
            var wait = waiter.AcquireAsync(null, timeout.Token);

            await holderClient.CloseAsync(timeout.Token);

            Assert.True(await wait.WaitAsync(timeout.Token));
        });

    [Fact]
    public Task Acquire_With16Contenders_NeverGrantsTwoHoldersAtOnce() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var holders = 0;
            var maxHolders = 0;
            var grants = 0;

            async Task ContendAsync(ZooKeeperClient client, int id)
            {
                var recipe = new DistributedLock(client, LockPath, $"c{id}", chroot.RecipeOptions);
                for (var round = 0; round < 3; round++)
                {
                    Assert.True(await recipe.AcquireAsync(null, timeout.Token));
                    var now = Interlocked.Increment(ref holders);
                    InterlockedMax(ref maxHolders, now);
                    Interlocked.Increment(ref grants);
                    await Task.Yield();
                    Interlocked.Decrement(ref holders);
                    Assert.True(await recipe.ReleaseAsync(timeout.Token));
                }
            }

            await Task.WhenAll(clients.Select((client, i) => Task.Run(() => ContendAsync(client, i))));

            Assert.Equal(1, maxHolders);
            Assert.Equal(48, grants);
            Assert.Empty((await clients[0].GetChildrenAsync(LockPath, null, timeout.Token)).Children);
        });

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        do
        {
            current = Volatile.Read(ref target);
            if (value <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }

    /// <summary>"holder" holds the lock; "waiter" (on a client of its own) waits for it, its node made.</summary>
    private static async Task<(ZooKeeperClient HolderClient, DistributedLock Holder, ZooKeeperClient Client, DistributedLock Waiter, Task<bool> Wait)>
        HolderAndWaiterAsync(TestChroot chroot, CancellationToken cancellationToken)
    {
        var holderClient = await chroot.ConnectAsUserAsync(cancellationToken);
        var holder = new DistributedLock(holderClient, LockPath, "holder", chroot.RecipeOptions);
        var client = await chroot.ConnectAsUserAsync(cancellationToken);
        var waiter = new DistributedLock(client, LockPath, "waiter", chroot.RecipeOptions);
        Assert.True(await holder.TryAcquireAsync(cancellationToken));
        var wait = waiter.AcquireAsync(null, cancellationToken);
        await Watches.WaitForChildrenAsync(client, LockPath, children => children.Count == 2, cancellationToken);
        return (holderClient, holder, client, waiter, wait);
    }
}
