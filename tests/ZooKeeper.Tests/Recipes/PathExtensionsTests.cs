using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class PathExtensionsTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task EnsurePath_CreatesMissingAncestorsWithTheAcl() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var acl = chroot.RecipeOptions.Acl;

            await client.EnsurePathAsync("/a/b/c", acl, timeout.Token);
            await client.EnsurePathAsync("/a/b/c", acl, timeout.Token);

            foreach (var path in new[] { "/a", "/a/b", "/a/b/c" })
            {
                var data = await client.GetDataAsync(path, null, timeout.Token);
                Assert.Empty(data.Data);
                Assert.False(data.Stat.IsEphemeral);
                Assert.Equal(acl, (await client.GetAclAsync(path, timeout.Token)).Acl);
            }
        });

    [Fact]
    public Task EnsurePath_WhenRacingOtherClients_AllSucceed() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));

            await Task.WhenAll(clients.Select(client => client.EnsurePathAsync("/x/y/z/w", chroot.RecipeOptions.Acl, timeout.Token)));

            Assert.NotNull(await clients[0].ExistsAsync("/x/y/z/w", null, timeout.Token));
        });

    [Fact]
    public Task EnsureTree_MakesWhatIsMissingInOneTransaction_AndWritesNothingWhenAllExist() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var options = chroot.RecipeOptions with { KnownNodes = new KnownNodes() };
            string[] wanted = ["/s/parties/a", "/s/parties/b", "/s/q/taken", "/s/q/entries"];
            await client.EnsurePathAsync("/s/parties", options.Acl, timeout.Token);

            await client.EnsureTreeAsync("/s", wanted, options, timeout.Token);

            var made = await Task.WhenAll(new[] { "/s/parties/a", "/s/parties/b", "/s/q", "/s/q/taken", "/s/q/entries" }
                .Select(path => client.GetDataAsync(path, null, timeout.Token)));
            Assert.Single(made.Select(node => node.Stat.Czxid).Distinct());
            Assert.All(made, node => Assert.False(node.Stat.IsEphemeral));
            Assert.Equal(options.Acl, (await client.GetAclAsync("/s/q/taken", timeout.Token)).Acl);
            Assert.All(wanted, path => Assert.True(options.KnownNodes!.Contains(path)));

            // Another client that finds them all: no write between two probes.
            var other = await chroot.ConnectAsUserAsync(timeout.Token);
            await other.CreateAsync("/probe-1", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);
            await other.EnsureTreeAsync("/s", wanted, chroot.RecipeOptions with { KnownNodes = new KnownNodes() }, timeout.Token);
            await other.CreateAsync("/probe-2", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);
            Assert.Equal((await other.ExistsAsync("/probe-1", null, timeout.Token))!.Czxid + 1, (await other.ExistsAsync("/probe-2", null, timeout.Token))!.Czxid);
        });

    [Fact]
    public Task EnsureTree_WhenManyClientsStartTogether_OneTransactionMakesEveryNode() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            string[] wanted = ["/t/a/x", "/t/a/y", "/t/b", "/t/c/d/e"];

            await Task.WhenAll(clients.Select(client => client.EnsureTreeAsync("/t", wanted, chroot.RecipeOptions, timeout.Token)));

            var nodes = await Task.WhenAll(new[] { "/t", "/t/a", "/t/a/x", "/t/a/y", "/t/b", "/t/c", "/t/c/d", "/t/c/d/e" }
                .Select(path => clients[0].GetDataAsync(path, null, timeout.Token)));
            Assert.Single(nodes.Select(node => node.Stat.Czxid).Distinct());
        });

    [Fact]
    public Task DeleteTrees_RemovesTheSubtreesInOneTransaction_AndLeavesTheRest() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var options = chroot.RecipeOptions with { KnownNodes = new KnownNodes() };
            foreach (var path in new[] { "/r/a/1", "/r/a/2", "/r/b", "/q/x", "/keep" })
            {
                await client.EnsurePathAsync(path, options, timeout.Token);
            }

            await client.CreateAsync("/probe-1", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);
            await client.DeleteTreesAsync(["/r", "/missing", "/q/x"], options, timeout.Token);
            await client.CreateAsync("/probe-2", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);

            Assert.Null(await client.ExistsAsync("/r", null, timeout.Token));
            Assert.Null(await client.ExistsAsync("/q/x", null, timeout.Token));
            Assert.NotNull(await client.ExistsAsync("/q", null, timeout.Token));
            Assert.NotNull(await client.ExistsAsync("/keep", null, timeout.Token));
            Assert.False(options.KnownNodes!.Contains("/r/a/1"));
            Assert.True(options.KnownNodes.Contains("/keep"));
            Assert.Equal((await client.ExistsAsync("/probe-1", null, timeout.Token))!.Czxid + 2, (await client.ExistsAsync("/probe-2", null, timeout.Token))!.Czxid);
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task DeleteTrees_WithALockReleasedInTheLastTransaction_MakeOneWriteInAll(bool anythingThere) =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var options = chroot.RecipeOptions;
            if (anythingThere)
            {
                foreach (var path in new[] { "/r/a/1", "/r/a/2", "/r/b", "/q/x" })
                {
                    await client.EnsurePathAsync(path, options, timeout.Token);
                }
            }

            var sessionLock = new DistributedLock(client, "/lock", "master", options);
            Assert.True(await sessionLock.TryAcquireAsync(timeout.Token));

            await client.CreateAsync("/probe-1", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);
            await client.DeleteTreesAsync(["/r", "/q/x"], options, sessionLock.ReleaseWithAsync, timeout.Token);
            await client.CreateAsync("/probe-2", ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent, timeout.Token);

            Assert.Null(await client.ExistsAsync("/r", null, timeout.Token));
            Assert.Null(await client.ExistsAsync("/q/x", null, timeout.Token));
            Assert.False(sessionLock.IsAcquired);
            Assert.Empty((await client.GetChildrenAsync("/lock", null, timeout.Token)).Children);
            Assert.Equal((await client.ExistsAsync("/probe-1", null, timeout.Token))!.Czxid + 2, (await client.ExistsAsync("/probe-2", null, timeout.Token))!.Czxid);
        });

    [Fact]
    public Task DeleteRecursive_RemovesTheWholeTreeAndToleratesMissingNodes() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            foreach (var path in new[] { "/r/a/1", "/r/a/2", "/r/b", "/keep" })
            {
                await client.EnsurePathAsync(path, chroot.RecipeOptions.Acl, timeout.Token);
            }

            await client.CreateAsync("/r/b/e", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Ephemeral, timeout.Token);

            await client.DeleteRecursiveAsync("/r", timeout.Token);
            await client.DeleteRecursiveAsync("/r", timeout.Token);
            await client.DeleteRecursiveAsync("/never", timeout.Token);

            Assert.Null(await client.ExistsAsync("/r", null, timeout.Token));
            Assert.NotNull(await client.ExistsAsync("/keep", null, timeout.Token));
        });

    [Fact]
    public Task DeleteRecursive_WhileAnotherClientDeletesAndAdds_EndsWithTheTreeGone() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var first = await chroot.ConnectAsUserAsync(timeout.Token);
            var second = await chroot.ConnectAsUserAsync(timeout.Token);
            for (var i = 0; i < 20; i++)
            {
                await first.EnsurePathAsync($"/r/n{i}/c", chroot.RecipeOptions.Acl, timeout.Token);
            }

            await Task.WhenAll(first.DeleteRecursiveAsync("/r", timeout.Token), second.DeleteRecursiveAsync("/r", timeout.Token));

            Assert.Null(await first.ExistsAsync("/r", null, timeout.Token));
        });
}
