using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class CounterTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string CounterPath = "/app/stats/Number_of_files";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Add_OnAMissingNode_EnsuresItAndWritesAsciiDecimal() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var counter = new Counter(client, CounterPath, 0, chroot.RecipeOptions);

            Assert.Equal(0, await counter.GetValueAsync(timeout.Token));
            Assert.Empty((await client.GetDataAsync(CounterPath, null, timeout.Token)).Data);
            Assert.Equal(12, await counter.AddAsync(12, timeout.Token));
            Assert.Equal("12", Encoding.ASCII.GetString((await client.GetDataAsync(CounterPath, null, timeout.Token)).Data));
            Assert.Equal(-3, await counter.SubtractAsync(15, timeout.Token));
            Assert.Equal("-3", Encoding.ASCII.GetString((await client.GetDataAsync(CounterPath, null, timeout.Token)).Data));
            Assert.Equal(-3, await counter.GetValueAsync(timeout.Token));
        });

    [Fact]
    public Task GetValue_OfAnEmptyNode_IsTheDefault() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            await client.EnsurePathAsync(CounterPath, chroot.RecipeOptions.Acl, timeout.Token);
            var counter = new Counter(client, CounterPath, 40, chroot.RecipeOptions);

            Assert.Equal(40, await counter.GetValueAsync(timeout.Token));
            Assert.Equal(42, await counter.AddAsync(2, timeout.Token));
        });

    [Fact]
    public Task Add_FromManyClientsAtOnce_CountsEveryAddition() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));

            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                var counter = new Counter(client, CounterPath, 0, chroot.RecipeOptions);
                for (var i = 0; i < 25; i++)
                {
                    await counter.AddAsync(1, timeout.Token);
                }
            })));

            Assert.Equal(200, await new Counter(clients[0], CounterPath, 0, chroot.RecipeOptions).GetValueAsync(timeout.Token));
        });
}
