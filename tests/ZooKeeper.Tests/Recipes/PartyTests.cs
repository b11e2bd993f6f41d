using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class PartyTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string PartyPath = "/app/parties/allsd";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Join_CreatesAnEphemeralUuidPartyNode_AndMembersListIdentifiers() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var alpha = new Party(client, PartyPath, "node1:100", chroot.RecipeOptions);
            var beta = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "node2:200", chroot.RecipeOptions);

            await alpha.JoinAsync(timeout.Token);
            await alpha.JoinAsync(timeout.Token);
            await beta.JoinAsync(timeout.Token);
            await client.CreateAsync(PartyPath + "/not-a-member", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);

            Assert.Matches("^[0-9a-f]{32}__party__$", alpha.NodeName);
            var node = await client.GetDataAsync(PartyPath + "/" + alpha.NodeName, null, timeout.Token);
            Assert.True(node.Stat.IsEphemeral);
            Assert.Equal("node1:100", Encoding.UTF8.GetString(node.Data));
            Assert.Equal(["node1:100", "node2:200"], (await beta.GetMembersAsync(timeout.Token)).Order(StringComparer.Ordinal));
            Assert.Equal(2, await alpha.CountAsync(timeout.Token));

            Assert.True(await alpha.LeaveAsync(timeout.Token));
            Assert.False(await alpha.LeaveAsync(timeout.Token));
            Assert.Equal(["node2:200"], await alpha.GetMembersAsync(timeout.Token));
        });

    [Fact]
    public Task GetMembers_ReadsEveryMembersDataInOneRequest_NotOnePerMember() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var identifiers = Enumerable.Range(0, 20).Select(i => $"node{i:00}:{9000 + i}").ToList();
            foreach (var identifier in identifiers)
            {
                await new Party(client, PartyPath, identifier, chroot.RecipeOptions).JoinAsync(timeout.Token);
            }

            var reader = new Party(client, PartyPath, "reader", chroot.RecipeOptions);
            Assert.Equal(20, await reader.CountAsync(timeout.Token));

            var before = await fixture.PacketsReceivedAsync(timeout.Token);
            var members = await reader.GetMembersAsync(timeout.Token);
            var requests = await fixture.PacketsReceivedAsync(timeout.Token) - before;

            Assert.Equal(identifiers, members.Order(StringComparer.Ordinal));
            // The listing and one multiRead (a ping of some client may fall in between); a read per member made 21.
            Assert.InRange(requests, 2, 4);
        });

    [Fact]
    public Task JoinAll_JoinsEveryPartyInOneTransaction_AsSeparateJoinsWould() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var all = new Party(client, PartyPath, "node1:100", chroot.RecipeOptions);
            var sources = new Party(client, "/app/parties/sources", "node1:100", chroot.RecipeOptions);

            await Party.JoinAllAsync([all, sources], timeout.Token);
            await Party.JoinAllAsync([all, sources], timeout.Token);

            Assert.True(all.IsParticipating);
            Assert.True(sources.IsParticipating);
            var allNode = await client.GetDataAsync(PartyPath + "/" + all.NodeName, null, timeout.Token);
            var sourcesNode = await client.GetDataAsync("/app/parties/sources/" + sources.NodeName, null, timeout.Token);
            Assert.All([allNode, sourcesNode], node =>
            {
                Assert.True(node.Stat.IsEphemeral);
                Assert.Equal(client.SessionId, node.Stat.EphemeralOwner);
                Assert.Equal("node1:100", Encoding.UTF8.GetString(node.Data));
            });
            Assert.Equal(allNode.Stat.Czxid, sourcesNode.Stat.Czxid);
            Assert.Equal(["node1:100"], await new Party(client, PartyPath, null, chroot.RecipeOptions).GetMembersAsync(timeout.Token));
            Assert.Equal(["node1:100"], await new Party(client, "/app/parties/sources", null, chroot.RecipeOptions).GetMembersAsync(timeout.Token));
        });

    [Fact]
    public Task WatchMembers_ReportsJoinsLeavesAndExpiredSessions() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var watcher = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "watcher", chroot.RecipeOptions);
            var memberClient = await chroot.ConnectAsUserAsync(timeout.Token);
            var member = new Party(memberClient, PartyPath, "member", chroot.RecipeOptions);
            var other = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "other", chroot.RecipeOptions);
            await using var updates = watcher.WatchMembersAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

            Assert.True(await updates.MoveNextAsync());
            Assert.Empty(updates.Current);
            await member.JoinAsync(timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal(["member"], updates.Current);
            await other.JoinAsync(timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal(["member", "other"], updates.Current.Order(StringComparer.Ordinal));
            await chroot.ExpireAsync(memberClient, timeout.Token);
            Assert.True(await updates.MoveNextAsync());
            Assert.Equal(["other"], updates.Current);

            var change = other.WaitForChangeAsync(timeout.Token);
            await other.LeaveAsync(timeout.Token);
            await change.WaitAsync(timeout.Token);
            Assert.Equal(0, await watcher.CountAsync(timeout.Token));
        });

    [Fact]
    public Task CountWithChange_CountsMembers_AndItsTaskCompletesWhenOneJoinsOrLeaves() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var reader = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, null, chroot.RecipeOptions);
            var first = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "first", chroot.RecipeOptions);
            var second = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "second", chroot.RecipeOptions);
            await first.JoinAsync(timeout.Token);

            var (count, changed) = await reader.CountWithChangeAsync(timeout.Token);
            Assert.Equal(1, count);
            Assert.False(changed.IsCompleted);

            await second.JoinAsync(timeout.Token);
            await changed.WaitAsync(timeout.Token);
            (count, changed) = await reader.CountWithChangeAsync(timeout.Token);
            Assert.Equal(2, count);

            Assert.True(await first.LeaveAsync(timeout.Token));
            await changed.WaitAsync(timeout.Token);
            Assert.Equal(1, (await reader.CountWithChangeAsync(timeout.Token)).Count);
        });

    [Fact]
    public Task GetMembersWithChange_ListsMembers_AndItsTaskCompletesOnlyAtTheNextChange() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var reader = new Party(client, PartyPath, "reader", chroot.RecipeOptions);
            var first = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "first", chroot.RecipeOptions);
            var second = new Party(await chroot.ConnectAsUserAsync(timeout.Token), PartyPath, "second", chroot.RecipeOptions);
            await first.JoinAsync(timeout.Token);

            var (members, changed) = await reader.GetMembersWithChangeAsync(timeout.Token);
            Assert.Equal(["first"], members);

            // New data on the party node is no membership change. Events reach watchers in order: once a
            // later, known event has arrived, any event the data change caused would have too.
            await client.SetDataAsync(PartyPath, "x"u8.ToArray(), -1, timeout.Token);
            var probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await client.ExistsAsync(PartyPath + "-probe", _ => probe.TrySetResult(), timeout.Token);
            await client.CreateAsync(PartyPath + "-probe", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);
            await probe.Task.WaitAsync(timeout.Token);
            Assert.False(changed.IsCompleted);

            await second.JoinAsync(timeout.Token);
            await changed.WaitAsync(timeout.Token);
            (members, changed) = await reader.GetMembersWithChangeAsync(timeout.Token);
            Assert.Equal(["first", "second"], members.Order(StringComparer.Ordinal));

            await first.LeaveAsync(timeout.Token);
            await changed.WaitAsync(timeout.Token);
            Assert.Equal(["second"], (await reader.GetMembersWithChangeAsync(timeout.Token)).Members);
        });
}
