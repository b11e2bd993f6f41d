using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Recipes.Support;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes;

[Collection(RecipesServerCollection.Name)]
public sealed class BulkLockingQueueTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
{
    private const string QueuePath = "/app/queue";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public Task TakeThenConsume_LeavesKazoosTakenNodesAndThenAnEmptyQueue() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b"), Bytes("c")], cancellationToken: timeout.Token);
            Assert.Equal(3, await queue.CountAsync(false, timeout.Token));

            var taken = await queue.TakeAsync(10, cancellationToken: timeout.Token);

            Assert.Equal(["a", "b", "c"], taken.Select(item => Text(item.Value)).Order(StringComparer.Ordinal));
            foreach (var item in taken)
            {
                var entry = await client.GetDataAsync($"{QueuePath}/entries/{item.Name}", null, timeout.Token);
                Assert.Equal(item.Value, entry.Data);
                var takenNode = await client.GetDataAsync($"{QueuePath}/taken/{item.Name}", null, timeout.Token);
                Assert.Equal(queue.Id, Text(takenNode.Data));
                Assert.Equal(client.SessionId, takenNode.Stat.EphemeralOwner);
                Assert.Equal(0, takenNode.Stat.Version);
            }

            Assert.Empty(await queue.TakeAsync(1, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));
            Assert.Equal(taken, await queue.ConsumeAsync(taken, timeout.Token));
            await AssertEmptyAsync(client, timeout.Token);
            Assert.Empty(await queue.ConsumeAsync(taken, timeout.Token));
        });

    [Fact]
    public Task PeekUnlessStillEmpty_ListsAnEmptyQueueOnce_ThenAgainOnlyAfterItChanged() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var reader = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var writer = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await writer.EnsureAsync(timeout.Token);

            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token));
            var before = await fixture.PacketsReceivedAsync(timeout.Token);
            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token));
            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token));
            var whileUnchanged = await fixture.PacketsReceivedAsync(timeout.Token) - before;

            var changed = reader.ArmChangeSignal();
            await writer.PutManyAsync([Bytes("a")], cancellationToken: timeout.Token);
            await changed.WaitAsync(timeout.Token);
            Assert.Equal(["a"], (await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token)).Select(item => Text(item.Value)));
            Assert.Equal(["a"], (await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token)).Select(item => Text(item.Value)));

            // Taken by another: not free, so the next listing finds none and the one after it is skipped; given back, it
            // is listed again.
            var taken = await writer.TakeAsync(1, cancellationToken: timeout.Token);
            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token));
            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token));
            changed = reader.ArmChangeSignal();
            await writer.ReleaseAsync(taken, timeout.Token);
            await changed.WaitAsync(timeout.Token);
            Assert.Equal(["a"], (await reader.PeekUnlessStillEmptyAsync(cancellationToken: timeout.Token)).Select(item => Text(item.Value)));

            // Consumed, then put again by another: listed anyway, the put is seen whether or not its event came yet.
            Assert.Equal(["a"], (await writer.ConsumeAsync(await writer.TakeAsync(1, cancellationToken: timeout.Token), timeout.Token)).Select(item => Text(item.Value)));
            Assert.Empty(await reader.PeekUnlessStillEmptyAsync(listAnyway: true, timeout.Token));
            await writer.PutManyAsync([Bytes("b")], cancellationToken: timeout.Token);
            Assert.Equal(["b"], (await reader.PeekUnlessStillEmptyAsync(listAnyway: true, timeout.Token)).Select(item => Text(item.Value)));

            // The mntr after the two skipped calls is the only request between the two counts (give or take a ping).
            Assert.InRange(whileUnchanged, 0, 2);
        });

    [Fact]
    public Task Take_WithBelongsWith_TakesOnlyEntriesOfTheFirstOnesKind_LookingAheadPastOthers() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions, new FirstRandom());
            await queue.PutManyAsync([Bytes("1_a"), Bytes("1_b"), Bytes("0_c"), Bytes("1_d"), Bytes("0_e"), Bytes("1_f")], cancellationToken: timeout.Token);

            Assert.Equal(["1_a", "1_b", "1_d"], await TakeAndConsumeAsync(queue, 3, SameKind, timeout.Token));
            Assert.Equal(["0_c", "0_e"], await TakeAndConsumeAsync(queue, 3, SameKind, timeout.Token));
            Assert.Equal(["1_f"], await TakeAndConsumeAsync(queue, 3, SameKind, timeout.Token));
            Assert.Equal(0, queue.Misses);
        });

    [Fact]
    public Task Take_WhenNoFreeEntryIsAccepted_WaitsForAChildEventInsteadOfListingOverAndOver() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([.. Enumerable.Range(0, 5).Select(i => Bytes($"unwanted{i}"))], cancellationToken: timeout.Token);

            // More unwanted entries than one look-ahead (2 x maxItems) covers: one listing, then a wait until the timeout.
            Assert.Empty(await queue.TakeAsync(1, accept: Wanted, timeout: TimeSpan.FromMilliseconds(200), cancellationToken: timeout.Token));
            Assert.Equal(1, queue.Listings);

            var take = queue.TakeAsync(1, accept: Wanted, cancellationToken: timeout.Token);
            await queue.PutManyAsync([Bytes("wanted")], cancellationToken: timeout.Token);

            Assert.Equal("wanted", Text(Assert.Single(await take.WaitAsync(timeout.Token)).Value));
            Assert.InRange(queue.Listings, 2, 3);

            static bool Wanted(QueueItem item) => Text(item.Value) == "wanted";
        });

    [Fact]
    public Task Take_WhileEveryEntryIsTaken_ListsOncePerSettleInsteadOfPerChange_AndStillTakesAReleasedEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var holder = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            var idle = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions)
            {
                AllTakenSettle = TimeSpan.FromSeconds(5),
            };
            await holder.PutManyAsync([.. Enumerable.Range(0, 10).Select(i => Bytes($"e{i}"))], cancellationToken: timeout.Token);
            var held = await holder.TakeAsync(10, cancellationToken: timeout.Token);
            Assert.Equal(10, held.Count);

            // The end of a session: the idle taker found every entry taken; the holder consumes nine (each a change of
            // both children) and gives the last back.
            var take = idle.TakeAsync(1, cancellationToken: timeout.Token);
            while (idle.Listings == 0)
            {
                // Its first listing (watches armed) is done when the count moves: polled until the test's timeout.
                await Task.Delay(10, timeout.Token);
            }

            foreach (var item in held.Take(9))
            {
                Assert.Single(await holder.ConsumeAsync([item], timeout.Token));
            }

            Assert.Single(await holder.ReleaseAsync([held[9]], timeout.Token));

            Assert.Equal(held[9].Name, Assert.Single(await take.WaitAsync(timeout.Token)).Name);
            Assert.InRange(idle.Listings, 2, 3);
        });

    [Fact]
    public Task Consume_CarryingAnotherQueuesReleaseOps_GivesThatEntryBackInTheSameTransaction() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var paths = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var slots = new BulkLockingQueue(client, "/app/slots", chroot.RecipeOptions);
            await paths.PutManyAsync([Bytes("p1"), Bytes("p2")], cancellationToken: timeout.Token);
            await slots.PutManyAsync([Bytes("slot")], cancellationToken: timeout.Token);
            var batch = await paths.TakeAsync(2, cancellationToken: timeout.Token);
            var slot = Assert.Single(await slots.TakeAsync(1, cancellationToken: timeout.Token));
            var release = slots.ReleaseOps(slot);
            Assert.NotNull(release);

            var consumed = await paths.ConsumeAsync(batch, item => item.Name == batch[0].Name ? release : [], timeout.Token);
            slots.Released(slot);

            Assert.Equal(batch, consumed);
            Assert.Equal(0, await paths.CountAsync(false, timeout.Token));
            Assert.Null(await client.ExistsAsync($"/app/slots/taken/{slot.Name}", null, timeout.Token));
            var other = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), "/app/slots", chroot.RecipeOptions);
            Assert.Equal("slot", Text(Assert.Single(await other.TakeAsync(1, timeout: TimeSpan.FromSeconds(10), cancellationToken: timeout.Token)).Value));
            Assert.Null(slots.ReleaseOps(slot));
        });

    [Fact]
    public Task Take_ByOneTaker_ServesLowerPriorityBandsFirst() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var queue = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            for (var i = 0; i < 4; i++)
            {
                await queue.PutManyAsync([Bytes($"normal{i}")], 100, timeout.Token);
                await queue.PutManyAsync([Bytes($"late{i}")], 200, timeout.Token);
                await queue.PutManyAsync([Bytes($"retry{i}")], 50, timeout.Token);
            }

            // A batch runs through a band (from anywhere in it) before the next one.
            var batch = await TakeAndConsumeAsync(queue, 5, null, timeout.Token);
            Assert.All(batch.Take(4), value => Assert.StartsWith("retry", value, StringComparison.Ordinal));
            Assert.StartsWith("normal", batch[4], StringComparison.Ordinal);

            var rest = new List<string>();
            for (var i = 0; i < 7; i++)
            {
                rest.AddRange(await TakeAndConsumeAsync(queue, 1, null, timeout.Token));
            }

            Assert.All(rest.Take(3), value => Assert.StartsWith("normal", value, StringComparison.Ordinal));
            Assert.All(rest.Skip(3), value => Assert.StartsWith("late", value, StringComparison.Ordinal));
            Assert.Equal(["normal0", "normal1", "normal2", "normal3"], batch.Skip(4).Concat(rest.Take(3)).Order(StringComparer.Ordinal));
        });

    [Fact]
    public Task Take_With8ConcurrentTakersOn2000Entries_TakesEachExactlyOnce_AndLeavesTheQueueEmpty() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 2000;
            const int Takers = 8;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, Takers).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var queues = clients.Select(client => new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions)).ToArray();
            await queues[0].PutManyAsync([.. Enumerable.Range(0, Entries).Select(PathEntry)], cancellationToken: timeout.Token);

            using var consumption = new Consumption(Entries);
            await Task.WhenAll(queues.Select(queue => Task.Run(() => TakeAndConsumeUntilDoneAsync(queue, consumption, Takers, timeout.Token), timeout.Token)));

            output.WriteLine($"{queues.Sum(q => q.Listings)} listings, {queues.Sum(q => q.Misses)} lost claims");
            Assert.Equal(Enumerable.Range(0, Entries).Select(i => Text(PathEntry(i))).Order(StringComparer.Ordinal), consumption.Values.Order(StringComparer.Ordinal));
            await AssertEmptyAsync(clients[0], timeout.Token);
        });

    [Fact]
    public Task Claim_OfAnEntryConsumedByAnotherSinceOurListing_FailsAndLeavesNoTakenNode_AndTheNextTakeListsAgain() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var other = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b"), Bytes("c"), Bytes("d")], cancellationToken: timeout.Token);
            var mine = Assert.Single(await queue.TakeAsync(1, cancellationToken: timeout.Token));
            Assert.Equal(1, queue.Listings);
            var theirs = await other.TakeAsync(10, cancellationToken: timeout.Token);
            Assert.Equal(3, (await other.ConsumeAsync(theirs, timeout.Token)).Count);
            var before = await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token);

            Assert.Equal(ClaimOutcome.Gone, (await queue.ClaimAsync(theirs[0].Name, read: false, timeout.Token)).Outcome);

            // One failed transaction: no taken node came and went.
            var after = await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token);
            Assert.Equal([mine.Name], after.Children);
            Assert.Equal(before.Stat.Cversion, after.Stat.Cversion);

            // Our listed names are all gone now: the next take misses them, lists again, and finds nothing free.
            Assert.Empty(await queue.TakeAsync(3, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));
            Assert.Equal(2, queue.Listings);
            Assert.Equal(3, queue.Misses);
            Assert.Equal([mine], await queue.ConsumeAsync([mine], timeout.Token));
            await AssertEmptyAsync(client, timeout.Token);
        });

    [Fact]
    public Task Take_AfterOurOwnClaimsAndConsumes_WorksThroughOneListingWithoutListingAgain() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 200;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([.. Enumerable.Range(0, Entries).Select(PathEntry)], cancellationToken: timeout.Token);

            // Each claim and consume of ours fires the watches of our own listing; that alone must not make us list again.
            var values = new List<string>();
            for (var i = 0; i < Entries; i++)
            {
                var item = Assert.Single(await queue.TakeAsync(1, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));
                Assert.Equal([item], await queue.ConsumeAsync([item], timeout.Token));
                values.Add(Text(item.Value));
            }

            Assert.Equal(Enumerable.Range(0, Entries).Select(i => Text(PathEntry(i))), values);
            Assert.Equal(1, queue.Listings);
            Assert.Empty(await queue.TakeAsync(1, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));
            Assert.Equal(2, queue.Listings);
        });

    [Fact]
    public Task Claim_ChecksOnlyThatTheEntryExists_WhateverItsVersion() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a")], cancellationToken: timeout.Token);
            const string Name = "entry-100-0000000000";
            await client.SetDataAsync($"{QueuePath}/entries/{Name}", Bytes("a"), -1, timeout.Token);
            Assert.Equal(2, (await client.SetDataAsync($"{QueuePath}/entries/{Name}", Bytes("a"), -1, timeout.Token)).Version);

            // The server takes version -1 in a check operation as "any version".
            Assert.Equal(ClaimOutcome.Claimed, (await queue.ClaimAsync(Name, read: false, timeout.Token)).Outcome);

            Assert.Equal(queue.Id, Text((await client.GetDataAsync($"{QueuePath}/taken/{Name}", null, timeout.Token)).Data));
        });

    [Fact]
    public Task Claim_OfAnEntryAnotherHolds_Fails() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var other = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a")], cancellationToken: timeout.Token);
            var theirs = Assert.Single(await other.TakeAsync(1, cancellationToken: timeout.Token));

            Assert.Equal(ClaimOutcome.Held, (await queue.ClaimAsync(theirs.Name, read: false, timeout.Token)).Outcome);

            var taken = await client.GetDataAsync($"{QueuePath}/taken/{theirs.Name}", null, timeout.Token);
            Assert.Equal(other.Id, Text(taken.Data));
        });

    [Fact]
    public Task Release_GivesTheEntriesBackToOtherTakers_AndLeavesOthersEntriesAlone() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var other = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b")], cancellationToken: timeout.Token);
            var mine = await queue.TakeAsync(2, cancellationToken: timeout.Token);
            Assert.Equal(2, mine.Count);
            Assert.Empty(await other.TakeAsync(2, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));

            await queue.ReleaseAsync(mine, timeout.Token);

            Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children);
            var theirs = await other.TakeAsync(2, cancellationToken: timeout.Token);
            Assert.Equal(mine.Select(item => item.Name).Order(StringComparer.Ordinal), theirs.Select(item => item.Name).Order(StringComparer.Ordinal));

            // Not ours any more: neither released nor consumed by us.
            await queue.ReleaseAsync(theirs, timeout.Token);
            Assert.Empty(await queue.ConsumeAsync(theirs, timeout.Token));
            Assert.Equal(2, (await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children.Count);
            Assert.Equal(2, (await other.ConsumeAsync(theirs, timeout.Token)).Count);
            await AssertEmptyAsync(client, timeout.Token);
        });

    [Fact]
    public Task Consume_WhenOurTakenNodeWasModified_ReadsItAndStillConsumes() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b")], cancellationToken: timeout.Token);
            var mine = await queue.TakeAsync(2, cancellationToken: timeout.Token);
            var takenNode = $"{QueuePath}/taken/{mine[0].Name}";
            var stat = await client.SetDataAsync(takenNode, Bytes(queue.Id), -1, timeout.Token);
            Assert.Equal(1, stat.Version);

            Assert.Equal(mine, await queue.ConsumeAsync(mine, timeout.Token));
            await AssertEmptyAsync(client, timeout.Token);
        });

    [Fact]
    public Task Take_AfterTheTakersSessionClosed_TakesItsEntriesAgain() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var departing = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(departing, QueuePath, chroot.RecipeOptions);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var other = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b"), Bytes("c")], cancellationToken: timeout.Token);
            var lost = await queue.TakeAsync(3, cancellationToken: timeout.Token);
            Assert.Equal(3, lost.Count);
            var waiting = other.TakeAsync(3, cancellationToken: timeout.Token);

            await departing.CloseAsync(timeout.Token);

            var retaken = await waiting.WaitAsync(timeout.Token);
            var rest = retaken.Count < 3 ? await other.TakeAsync(3, cancellationToken: timeout.Token) : [];
            Assert.Equal(lost.Select(item => item.Name).Order(StringComparer.Ordinal), retaken.Concat(rest).Select(item => item.Name).Order(StringComparer.Ordinal));
            Assert.Equal(3, (await other.ConsumeAsync([.. retaken, .. rest], timeout.Token)).Count);
            await AssertEmptyAsync(client, timeout.Token);
        });

    [Fact]
    public Task Take_AlongsideAKazooConsumer_EveryEntryIsConsumedExactlyOnce() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 300;
            const int Takers = 3;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            await using var kazoo = await KazooActor.StartAsync("kazoo", chroot, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, Takers).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var queues = clients.Select(client => new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions)).ToArray();
            await queues[0].PutManyAsync([.. Enumerable.Range(0, Entries).Select(PathEntry)], cancellationToken: timeout.Token);
            using var consumption = new Consumption(Entries);

            // kazoo takes the head of the queue first, so it surely takes part.
            var first = await kazoo.QueueGetAsync(QueuePath, TimeSpan.Zero, timeout.Token);
            Assert.NotNull(first);
            Assert.Equal(Text(PathEntry(0)), first);
            Assert.True(await kazoo.QueueConsumeAsync(QueuePath, timeout.Token));
            consumption.Add([first]);
            var byKazoo = 1;

            var kazooLoop = Task.Run(async () =>
            {
                while (!consumption.Done.IsCancellationRequested)
                {
                    // kazoo's get waits for a child event, at most this long.
                    if (await kazoo.QueueGetAsync(QueuePath, TimeSpan.FromSeconds(1), timeout.Token) is { } value)
                    {
                        Assert.True(await kazoo.QueueConsumeAsync(QueuePath, timeout.Token));
                        byKazoo++;
                        consumption.Add([value]);
                    }
                }
            }, timeout.Token);
            await Task.WhenAll([kazooLoop, .. queues.Select(queue => Task.Run(() => TakeAndConsumeUntilDoneAsync(queue, consumption, Takers + 1, timeout.Token), timeout.Token))]);

            output.WriteLine($"kazoo consumed {byKazoo} of {Entries}");
            Assert.Equal(Enumerable.Range(0, Entries).Select(i => Text(PathEntry(i))).Order(StringComparer.Ordinal), consumption.Values.Order(StringComparer.Ordinal));
            await AssertEmptyAsync(clients[0], timeout.Token);
        });

    [Fact]
    public Task Take_With8TakersOver1000Entries_CostsFewRequestsPerEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            const int Entries = 1000;
            const int Takers = 8;
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var clients = await Task.WhenAll(Enumerable.Range(0, Takers).Select(_ => chroot.ConnectAsUserAsync(timeout.Token)));
            var queues = clients.Select(client => new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions)).ToArray();
            await queues[0].PutManyAsync([.. Enumerable.Range(0, Entries).Select(PathEntry)], cancellationToken: timeout.Token);
            foreach (var queue in queues)
            {
                await queue.CountAsync(false, timeout.Token);
            }

            await clients[0].CreateAsync("/probe", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);
            var start = await WritesSinceAsync(clients[0], null, timeout.Token);
            var before = await fixture.PacketsReceivedAsync(timeout.Token);
            using var consumption = new Consumption(Entries);
            await Task.WhenAll(queues.Select(queue => Task.Run(() => TakeAndConsumeUntilDoneAsync(queue, consumption, Takers, timeout.Token), timeout.Token)));
            var after = await fixture.PacketsReceivedAsync(timeout.Token);
            var writes = (await WritesSinceAsync(clients[0], start.Zxid, timeout.Token)).Writes;

            var perEntry = (double)(after - before) / Entries;
            var writesPerEntry = (double)writes / Entries;
            output.WriteLine(
                $"{Takers} takers, {Entries} entries: {after - before} requests received, {perEntry:0.00} per entry; {writes} writes, " +
                $"{writesPerEntry:0.00} per entry ({queues.Sum(q => q.Listings)} listings, {queues.Sum(q => q.Misses)} lost claims)");
            Assert.Equal(Enumerable.Range(0, Entries).Select(i => Text(PathEntry(i))).Order(StringComparer.Ordinal), consumption.Values.Order(StringComparer.Ordinal));
            await AssertEmptyAsync(clients[0], timeout.Token);

            // A batch is peeked, claimed and consumed in one request each (a claim that lost entries to others lists once
            // more); per entry that was 3 requests and 2 writes, and about 22 requests for the code that walked a stale
            // listing from its head.
            Assert.InRange(perEntry, 0, 2);
            Assert.InRange(writesPerEntry, 0, 0.5);
        });

    [Fact]
    public Task TakeThenConsume_OfABatch_ClaimsInOneTransaction_AndConsumesWithTheReportsInOne() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var done = new BulkLockingQueue(client, "/app/done", chroot.RecipeOptions);
            await done.EnsureAsync(timeout.Token);
            await queue.PutManyAsync([.. Enumerable.Range(0, 20).Select(PathEntry)], cancellationToken: timeout.Token);
            await client.CreateAsync("/probe", ReadOnlyMemory<byte>.Empty, chroot.RecipeOptions.Acl, CreateMode.Persistent, timeout.Token);

            var start = await WritesSinceAsync(client, null, timeout.Token);
            var batch = await queue.TakeAsync(20, cancellationToken: timeout.Token);
            var afterTake = await WritesSinceAsync(client, start.Zxid, timeout.Token);
            var consumed = await queue.ConsumeAsync(batch, item => done.PutOps([item.Value]), timeout.Token);
            var afterConsume = await WritesSinceAsync(client, afterTake.Zxid, timeout.Token);

            Assert.Equal(Enumerable.Range(0, 20).Select(i => Text(PathEntry(i))), batch.Select(item => Text(item.Value)));
            Assert.Equal(batch, consumed);
            Assert.Equal(1, afterTake.Writes);
            Assert.Equal(1, afterConsume.Writes);
            Assert.Empty(await queue.PeekAsync(true, timeout.Token));
            Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children);
            Assert.Equal(batch.Select(item => Text(item.Value)), (await done.PeekAsync(false, timeout.Token)).Select(item => Text(item.Value)));
        });

    [Fact]
    public Task Take_OfABatchWhoseEntriesAreHeldOrGoneSinceTheListing_ClaimsTheRest_AndLeavesNoTakenNodeForThose() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions, new FirstRandom());
            var other = new BulkLockingQueue(await chroot.ConnectAsUserAsync(timeout.Token), QueuePath, chroot.RecipeOptions);
            await queue.PutManyAsync([Bytes("a"), Bytes("b"), Bytes("c"), Bytes("d"), Bytes("e"), Bytes("f")], cancellationToken: timeout.Token);
            var first = Assert.Single(await queue.TakeAsync(1, timeout: TimeSpan.Zero, cancellationToken: timeout.Token));
            Assert.Equal("a", Text(first.Value));

            // Since our listing: another taker holds "c" and has consumed "e".
            Assert.Equal(ClaimOutcome.Claimed, (await other.ClaimAsync("entry-100-0000000002", read: false, timeout.Token)).Outcome);
            var gone = await other.ClaimAsync("entry-100-0000000004", read: true, timeout.Token);
            Assert.Single(await other.ConsumeAsync([new QueueItem("entry-100-0000000004", gone.Data!)], timeout.Token));

            var rest = await queue.TakeAsync(5, timeout: TimeSpan.Zero, cancellationToken: timeout.Token);

            Assert.Equal(["b", "d", "f"], rest.Select(item => Text(item.Value)));
            Assert.Equal(2, queue.Misses);
            var taken = await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token);
            Assert.Equal(["entry-100-0000000000", "entry-100-0000000001", "entry-100-0000000002", "entry-100-0000000003", "entry-100-0000000005"], taken.Children.Order(StringComparer.Ordinal));
            Assert.Equal(other.Id, Text((await client.GetDataAsync(QueuePath + "/taken/entry-100-0000000002", null, timeout.Token)).Data));
        });

    [Fact]
    public Task Consume_OfABatchWithOneEntryNoLongerOurs_ConsumesTheRest_AndLeavesThatEntry() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            await using var chroot = await TestChroot.CreateAsync(fixture.ConnectionString, output, timeout.Token);
            var client = await chroot.ConnectAsUserAsync(timeout.Token);
            var queue = new BulkLockingQueue(client, QueuePath, chroot.RecipeOptions);
            var done = new BulkLockingQueue(client, "/app/done", chroot.RecipeOptions);
            await done.EnsureAsync(timeout.Token);
            await queue.PutManyAsync([Bytes("a"), Bytes("b"), Bytes("c"), Bytes("d")], cancellationToken: timeout.Token);
            var batch = await queue.TakeAsync(4, timeout: TimeSpan.Zero, cancellationToken: timeout.Token);
            Assert.Equal(4, batch.Count);

            // "b"'s taken node is deleted by someone else (as an operator cleaning up would), "d"'s entry too.
            await client.DeleteAsync(QueuePath + "/taken/" + batch[1].Name, -1, timeout.Token);
            await client.DeleteAsync(QueuePath + "/entries/" + batch[3].Name, -1, timeout.Token);

            var consumed = await queue.ConsumeAsync(batch, item => done.PutOps([item.Value]), timeout.Token);

            Assert.Equal([batch[0], batch[2]], consumed);
            Assert.Equal(["b"], (await queue.PeekAsync(true, timeout.Token)).Select(item => Text(item.Value)));
            Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, timeout.Token)).Children);
            Assert.Equal(["a", "c"], (await done.PeekAsync(false, timeout.Token)).Select(item => Text(item.Value)));
        });

    /// <summary>Takes and consumes until <paramref name="consumption"/> is done, sizing batches as zkrsync's
    /// sources do (the queue shared by the takers, at most 64, entries of one kind).</summary>
    private static async Task TakeAndConsumeUntilDoneAsync(BulkLockingQueue queue, Consumption consumption, int takers, CancellationToken cancellationToken)
    {
        while (true)
        {
            var maxItems = Math.Clamp((consumption.Remaining + takers - 1) / takers, 1, 64);
            IReadOnlyList<QueueItem> batch;
            try
            {
                batch = await queue.TakeAsync(maxItems, SameKind, null, null, consumption.Done);
            }
            catch (OperationCanceledException) when (consumption.Done.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var gone = await queue.ConsumeAsync(batch, cancellationToken);
            Assert.Equal(batch, gone);
            consumption.Add(gone.Select(item => Text(item.Value)));
        }
    }

    private static async Task<List<string>> TakeAndConsumeAsync(
        BulkLockingQueue queue, int maxItems, Func<QueueItem, QueueItem, bool>? belongsWith, CancellationToken cancellationToken)
    {
        var taken = await queue.TakeAsync(maxItems, belongsWith, timeout: TimeSpan.Zero, cancellationToken: cancellationToken);
        Assert.Equal(taken, await queue.ConsumeAsync(taken, cancellationToken));
        return [.. taken.Select(item => Text(item.Value))];
    }

    /// <summary>Write transactions the server made since <paramref name="since"/> (a zxid this returned before), counted
    /// by the zxid of a setData of <c>/probe</c> (itself one write, not counted).</summary>
    private static async Task<(long Zxid, long Writes)> WritesSinceAsync(ZooKeeperClient client, long? since, CancellationToken cancellationToken)
    {
        var zxid = (await client.SetDataAsync("/probe", ReadOnlyMemory<byte>.Empty, -1, cancellationToken)).Mzxid;
        return (zxid, since is { } before ? zxid - before - 1 : 0);
    }

    private static async Task AssertEmptyAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/entries", null, cancellationToken)).Children);
        Assert.Empty((await client.GetChildrenAsync(QueuePath + "/taken", null, cancellationToken)).Children);
    }

    /// <summary>A zkrsync path entry: mostly directories synced recursively ("1_"), every tenth one not ("0_").</summary>
    private static byte[] PathEntry(int index) =>
        Bytes(string.Create(CultureInfo.InvariantCulture, $"{(index % 10 == 0 ? 0 : 1)}_/src/d{index:D5}"));

    private static bool SameKind(QueueItem first, QueueItem other) =>
        first.Value.Length > 0 && other.Value.Length > 0 && first.Value[0] == other.Value[0];

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    /// <summary>What all takers of a test consumed; <see cref="Done"/> is cancelled once all entries were.</summary>
    private sealed class Consumption(int total) : IDisposable
    {
        private readonly ConcurrentQueue<string> _values = new();
        private readonly CancellationTokenSource _done = new();
        private int _count;

        public CancellationToken Done => _done.Token;

        public int Remaining => total - Volatile.Read(ref _count);

        public IReadOnlyCollection<string> Values => _values;

        public void Add(IEnumerable<string> values)
        {
            foreach (var value in values)
            {
                _values.Enqueue(value);
                if (Interlocked.Increment(ref _count) == total)
                {
                    _done.Cancel();
                }
            }
        }

        public void Dispose() => _done.Dispose();
    }

    /// <summary>Scatters to the first untried name of a priority: kazoo's order.</summary>
    private sealed class FirstRandom : Random
    {
        public override int Next(int minValue, int maxValue) => minValue;
    }
}
