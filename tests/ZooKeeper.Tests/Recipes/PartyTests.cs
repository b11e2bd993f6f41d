using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;

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
            await using var chroot = await Chroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsync(timeout.Token);
            var alpha = new Party(client, PartyPath, "node1:100", chroot.Options);
            var beta = new Party(await chroot.ConnectAsync(timeout.Token), PartyPath, "node2:200", chroot.Options);

            await alpha.JoinAsync(timeout.Token);
            await alpha.JoinAsync(timeout.Token);
            await beta.JoinAsync(timeout.Token);
            await client.CreateAsync(PartyPath + "/not-a-member", ReadOnlyMemory<byte>.Empty, chroot.Options.Acl, CreateMode.Persistent, timeout.Token);

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
    public Task WatchMembers_ReportsJoinsLeavesAndExpiredSessions() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await Chroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var watcher = new Party(await chroot.ConnectAsync(timeout.Token), PartyPath, "watcher", chroot.Options);
            var memberClient = await chroot.ConnectAsync(timeout.Token);
            var member = new Party(memberClient, PartyPath, "member", chroot.Options);
            var other = new Party(await chroot.ConnectAsync(timeout.Token), PartyPath, "other", chroot.Options);
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
    public Task GetMembersWithChange_ListsMembers_AndItsTaskCompletesOnlyAtTheNextChange() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await Chroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsync(timeout.Token);
            var reader = new Party(client, PartyPath, "reader", chroot.Options);
            var first = new Party(await chroot.ConnectAsync(timeout.Token), PartyPath, "first", chroot.Options);
            var second = new Party(await chroot.ConnectAsync(timeout.Token), PartyPath, "second", chroot.Options);
            await first.JoinAsync(timeout.Token);

            var (members, changed) = await reader.GetMembersWithChangeAsync(timeout.Token);
            Assert.Equal(["first"], members);

            // New data on the party node is no membership change. Events reach watchers in order: once a
            // later, known event has arrived, any event the data change caused would have too.
            await client.SetDataAsync(PartyPath, "x"u8.ToArray(), -1, timeout.Token);
            var probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await client.ExistsAsync(PartyPath + "-probe", _ => probe.TrySetResult(), timeout.Token);
            await client.CreateAsync(PartyPath + "-probe", ReadOnlyMemory<byte>.Empty, chroot.Options.Acl, CreateMode.Persistent, timeout.Token);
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
