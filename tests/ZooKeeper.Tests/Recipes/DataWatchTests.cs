using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class DataWatchTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string WatchedPath = "/app/watch/ready";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Watch_ReportsAMissingNode_ItsCreation_EveryChange_AndItsDeletion() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var writer = await chroot.ConnectAsUserAsync(timeout.Token);
            var watch = new DataWatch(await chroot.ConnectAsUserAsync(timeout.Token), WatchedPath, chroot.RecipeOptions);
            await using var updates = watch.WatchAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

            Assert.True(await updates.MoveNextAsync());
            Assert.False(updates.Current.Exists);
            Assert.Null(updates.Current.Data);

            await writer.EnsurePathAsync("/app/watch", chroot.RecipeOptions.Acl, timeout.Token);
            await writer.CreateAsync(WatchedPath, Encoding.ASCII.GetBytes("start"), chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal("start", Encoding.ASCII.GetString(updates.Current.Data!));

            await writer.SetDataAsync(WatchedPath, Encoding.ASCII.GetBytes("stop"), -1, timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal("stop", Encoding.ASCII.GetString(updates.Current.Data!));
            Assert.Equal(1, updates.Current.Stat!.Version);

            await writer.DeleteAsync(WatchedPath, -1, timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.False(updates.Current.Exists);
        });

    [Fact]
    public Task Run_StopsWhenTheCallbackReturnsFalse() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            await client.EnsurePathAsync(WatchedPath, chroot.RecipeOptions.Acl, timeout.Token);
            var seen = new List<string>();

            var run = new DataWatch(client, WatchedPath, chroot.RecipeOptions).RunAsync((snapshot, _) =>
            {
                var text = Encoding.ASCII.GetString(snapshot.Data!);
                seen.Add(text);
                return ValueTask.FromResult(text != "stop");
            }, timeout.Token);
            await client.SetDataAsync(WatchedPath, Encoding.ASCII.GetBytes("stop"), -1, timeout.Token);

            await run.WaitAsync(timeout.Token);
            Assert.Equal(["", "stop"], seen);
        });

    [Fact]
    public Task Watch_WhenCancelledOrTheClientCloses_EndsQuietly() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            await using var cancelled = new DataWatch(client, WatchedPath, chroot.RecipeOptions).WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
            await using var closed = new DataWatch(client, WatchedPath, chroot.RecipeOptions).WatchAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
            Assert.True(await cancelled.MoveNextAsync());
            Assert.True(await closed.MoveNextAsync());

            var cancelledEnd = cancelled.MoveNextAsync().AsTask();
            await cancel.CancelAsync();
            Assert.False(await cancelledEnd.WaitAsync(timeout.Token));

            var closedEnd = closed.MoveNextAsync().AsTask();
            await client.CloseAsync(timeout.Token);
            Assert.False(await closedEnd.WaitAsync(timeout.Token));
        });
}
