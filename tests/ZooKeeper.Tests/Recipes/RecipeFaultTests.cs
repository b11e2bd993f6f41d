using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>Recipes under server restarts and dropped connections; a server of its own, since these tests restart it.</summary>
public sealed class RecipeFaultTests(ZooKeeperServerFixture fixture, ITestOutputHelper output) : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Get_WhenTheServerRestartsWhileWaiting_StillReturnsTheItem() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var consumerClient = await chroot.ConnectAsUserAsync(timeout.Token, TimeSpan.FromSeconds(30));
            var producerClient = await chroot.ConnectAsUserAsync(timeout.Token, TimeSpan.FromSeconds(30));
            var consumer = new LockingQueue(consumerClient, "/q", chroot.RecipeOptions);
            var producer = new LockingQueue(producerClient, "/q", chroot.RecipeOptions);
            Assert.Equal(0, await consumer.CountAsync(timeout.Token));
            var get = consumer.GetAsync(null, timeout.Token);
            var reconnected = Reconnected(consumerClient);

            await fixture.Server.StopAsync(timeout.Token);
            await fixture.Server.StartAsync(timeout.Token);
            await reconnected.WaitAsync(timeout.Token);
            Assert.False(get.IsCompleted);
            await producer.PutAsync(Encoding.UTF8.GetBytes("after restart"), cancellationToken: timeout.Token);

            Assert.Equal("after restart", Encoding.UTF8.GetString((await get.WaitAsync(timeout.Token))!));
            Assert.True(await consumer.ConsumeAsync(timeout.Token));
        });

    [Fact]
    public Task Acquire_WhenAContenderConnectionDropsMidAcquire_LeavesNoOrphanAndGrantsOnce() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const string path = "/lock";
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var observer = await chroot.ConnectAsUserAsync(timeout.Token);
            var holder = new DistributedLock(await chroot.ConnectAsUserAsync(timeout.Token), path, "holder", chroot.RecipeOptions);
            var contenderClient = await chroot.ConnectAsUserAsync(timeout.Token);
            for (var round = 0; round < 5; round++)
            {
                Assert.True(await holder.AcquireAsync(null, timeout.Token));
                var contender = new DistributedLock(contenderClient, path, $"contender{round}", chroot.RecipeOptions);

                // Drop the connection while the create may be in flight (its reply then never arrives),
                // then again while the contender waits on its predecessor.
                var acquire = contender.AcquireAsync(null, timeout.Token);
                contenderClient.DropConnection();
                await Watches.WaitForChildrenAsync(observer, path, children => children.Count >= 2, timeout.Token);
                contenderClient.DropConnection();
                Assert.False(acquire.IsCompleted);
                Assert.True(await holder.ReleaseAsync(timeout.Token));

                Assert.True(await acquire.WaitAsync(timeout.Token));
                var node = Assert.Single((await observer.GetChildrenAsync(path, null, timeout.Token)).Children);
                Assert.Equal(contender.NodeName, node);
                Assert.False(await holder.TryAcquireAsync(timeout.Token));
                Assert.True(await contender.ReleaseAsync(timeout.Token));
                Assert.Empty((await observer.GetChildrenAsync(path, null, timeout.Token)).Children);
            }
        });

    [Fact]
    public Task Get_WhenTheConsumerConnectionDropsMidTake_LeavesNoOrphanTakenNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var observer = await chroot.ConnectAsUserAsync(timeout.Token);
            var consumerClient = await chroot.ConnectAsUserAsync(timeout.Token);
            var producer = new LockingQueue(observer, "/q", chroot.RecipeOptions);
            for (var round = 0; round < 5; round++)
            {
                var consumer = new LockingQueue(consumerClient, "/q", chroot.RecipeOptions);
                await producer.PutAsync(Encoding.UTF8.GetBytes($"item{round}"), cancellationToken: timeout.Token);

                var get = consumer.GetAsync(TimeSpan.FromSeconds(30), timeout.Token);
                consumerClient.DropConnection();

                Assert.Equal($"item{round}", Encoding.UTF8.GetString((await get.WaitAsync(timeout.Token))!));
                var taken = Assert.Single((await observer.GetChildrenAsync("/q/taken", null, timeout.Token)).Children);
                Assert.Equal(consumer.Current!.Name, taken);
                Assert.True(await consumer.ConsumeAsync(timeout.Token));
                Assert.Equal(0, await producer.CountAsync(timeout.Token));
            }
        });

    private static Task Reconnected(ZooKeeperClient client)
    {
        var disconnected = false;
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += (_, state) =>
        {
            if (state == ZooKeeperState.Disconnected)
            {
                disconnected = true;
            }
            else if (state == ZooKeeperState.Connected && disconnected)
            {
                reconnected.TrySetResult();
            }
            else if (state is ZooKeeperState.Expired or ZooKeeperState.Closed)
            {
                reconnected.TrySetException(new InvalidOperationException($"The session ended ({state})."));
            }
        };
        return reconnected.Task;
    }
}
