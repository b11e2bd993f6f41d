using Microsoft.Extensions.Time.Testing;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private static async Task<string?> TakeAsync(WorkQueue queue)
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await queue.TakeAsync(timeout.Token);
    }

    private static async Task AssertEmptyAsync(WorkQueue queue)
    {
        using var briefly = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(briefly.Token));
    }

    [Fact]
    public async Task Add_OfAWaitingKey_IsDeduplicated()
    {
        using var queue = new WorkQueue(_time);
        queue.Add("ns/a");
        queue.Add("ns/b");
        queue.Add("ns/a");

        Assert.Equal(2, queue.Depth);
        Assert.Equal("ns/a", await TakeAsync(queue));
        Assert.Equal("ns/b", await TakeAsync(queue));
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task KeyAddedWhileProcessing_IsHandedOutAgainOnlyAfterDone()
    {
        using var queue = new WorkQueue(_time);
        queue.Add("ns/a");
        var key = await TakeAsync(queue);

        queue.Add("ns/a");
        queue.Add("ns/a");
        await AssertEmptyAsync(queue); // never to a second worker while the first holds it

        queue.Done(key!);
        Assert.Equal("ns/a", await TakeAsync(queue));
        queue.Done("ns/a");
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task AddAfter_HandsOutTheKeyWhenItsTimeComes_TheEarliestAddWinning()
    {
        using var queue = new WorkQueue(_time);
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(30));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(10));
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(20));
        Assert.Equal(1, queue.Waiting);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Depth);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("ns/a", await TakeAsync(queue));
        queue.Done("ns/a");
        _time.Advance(TimeSpan.FromMinutes(1));
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task AddAfter_WhileTheKeyIsReady_DoesNotHandItOutTwice()
    {
        using var queue = new WorkQueue(_time);
        queue.Add("ns/a");
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("ns/a", await TakeAsync(queue));
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public void AddRateLimited_BacksOffExponentially_UntilForgotten()
    {
        using var queue = new WorkQueue(_time, new BackoffPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));

        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("ns/a"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.AddRateLimited("ns/a"));
        Assert.Equal(TimeSpan.FromMilliseconds(400), queue.AddRateLimited("ns/a"));
        Assert.Equal(TimeSpan.FromMilliseconds(800), queue.AddRateLimited("ns/a"));
        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("ns/a"));
        Assert.Equal(5, queue.Failures("ns/a"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("ns/b"));

        queue.Forget("ns/a");
        Assert.Equal(0, queue.Failures("ns/a"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("ns/a"));
    }

    [Fact]
    public async Task ShutDown_WakesTakers_AndDropsWaitingKeys()
    {
        using var queue = new WorkQueue(_time);
        queue.AddAfter("ns/a", TimeSpan.FromSeconds(1));
        using var timeout = new CancellationTokenSource(Wait);
        var taker = queue.TakeAsync(timeout.Token);

        queue.ShutDown();

        Assert.Null(await taker);
        Assert.Null(await TakeAsync(queue));
        _time.Advance(TimeSpan.FromSeconds(2));
        queue.Add("ns/b");
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public void JitteredBackoff_StaysWithinHalfAndOneAndAHalfTimes_AndTheCap()
    {
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), Jitter: true);
        var random = new Random(7);
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var nominal = Math.Min(10, Math.Pow(2, attempt - 1));
            var delay = policy.Delay(attempt, random).TotalSeconds;
            Assert.InRange(delay, nominal * 0.5, Math.Min(10, nominal * 1.5));
        }
    }

    [Fact]
    public void Sooner_PicksTheEarlierRequeue()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), ReconcileResult.Sooner(ReconcileResult.RequeueIn(TimeSpan.FromSeconds(1)), ReconcileResult.RequeueIn(TimeSpan.FromSeconds(2))).RequeueAfter);
        Assert.Equal(TimeSpan.FromSeconds(2), ReconcileResult.Sooner(ReconcileResult.Done, ReconcileResult.RequeueIn(TimeSpan.FromSeconds(2))).RequeueAfter);
        Assert.Null(ReconcileResult.Sooner(ReconcileResult.Done, ReconcileResult.Done).RequeueAfter);
    }
}
