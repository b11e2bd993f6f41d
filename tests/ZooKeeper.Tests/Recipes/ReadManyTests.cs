using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class ReadManyTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public Task ReadMany_ReturnsEachNodesDataAndStatInOrder_AndNullForAMissingOne_OverSeveralRequests() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var count = ZooKeeperClientRecipeExtensions.ReadChunk + 10;
            var paths = Enumerable.Range(0, count).Select(i => $"/n{i:D4}").ToList();
            foreach (var path in paths.Where((_, i) => i % 7 != 3))
            {
                await client.CreateAsync(path, System.Text.Encoding.UTF8.GetBytes("data of " + path), chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);
            }

            await client.SetDataAsync("/n0001", System.Text.Encoding.UTF8.GetBytes("changed"), -1, timeout.Token);

            var read = await client.ReadManyAsync(paths, chroot.RecipeOptions.RetryPolicy, timeout.Token);

            Assert.Equal(count, read.Length);
            for (var i = 0; i < count; i++)
            {
                if (i % 7 == 3)
                {
                    Assert.Null(read[i]);
                    continue;
                }

                var single = await client.GetDataAsync(paths[i], null, timeout.Token);
                Assert.Equal(single.Data, read[i]!.Data);
                Assert.Equal(single.Stat, read[i]!.Stat);
            }

            Assert.Equal(1, read[1]!.Stat.Version);
        });

    [Fact]
    public Task ReadMany_OfANodeTheUserMayNotRead_ThrowsNoAuth() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            await client.CreateAsync("/open", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);
            await client.CreateAsync("/closed", ReadOnlyMemory<byte>.Empty, [new Acl(Permissions.Create, "world", "anyone")], CreateMode.Persistent, timeout.Token);

            await Assert.ThrowsAsync<NoAuthException>(() => client.ReadManyAsync(["/open", "/closed"], chroot.RecipeOptions.RetryPolicy, timeout.Token));
        });
}
