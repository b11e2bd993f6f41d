using Microsoft.Extensions.Time.Testing;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Tests.Coordination;

/// <summary>The worker's timing decisions, on a <see cref="FakeTimeProvider"/> (no process, no sleep).</summary>
public sealed class TimingTests
{
    [Fact]
    public void AvoidList_SkipsADestinationForItsWindowOnly()
    {
        var time = new FakeTimeProvider();
        var avoided = new AvoidList(time);
        Assert.False(avoided.IsAvoided("node7:1"));

        avoided.Avoid("node7:1", TimeSpan.FromSeconds(30));

        Assert.True(avoided.IsAvoided("node7:1"));
        Assert.False(avoided.IsAvoided("node8:1"));
        time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.True(avoided.IsAvoided("node7:1"));
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(avoided.IsAvoided("node7:1"));
    }

    [Fact]
    public void AvoidList_ALaterFailureRestartsTheWindow()
    {
        var time = new FakeTimeProvider();
        var avoided = new AvoidList(time);
        avoided.Avoid("node7:1", TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(20));

        avoided.Avoid("node7:1", TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(avoided.IsAvoided("node7:1"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(avoided.IsAvoided("node7:1"));
    }

    [Fact]
    public void ProgressSchedule_IsDueAtOnce_ThenEveryInterval()
    {
        var time = new FakeTimeProvider();
        var schedule = new ProgressSchedule(time, TimeSpan.FromSeconds(5));
        Assert.True(schedule.IsDue);
        Assert.Equal(TimeSpan.Zero, schedule.UntilDue);

        schedule.Reported();

        Assert.False(schedule.IsDue);
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.UntilDue);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(2), schedule.UntilDue);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(schedule.IsDue);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.Zero, schedule.UntilDue);
    }

    [Fact]
    public async Task PeriodicCheck_RunsOncePerInterval_AndNeverTwiceAtOnce()
    {
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new SemaphoreSlim(0);
        var running = 0;
        var overlapped = false;
        await using var check = new PeriodicCheck(time, TimeSpan.FromSeconds(5), async () =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            started.Release();
            await release.Task;
            Interlocked.Decrement(ref running);
        });

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, check.Runs);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, check.Runs);

        // Due again while the first still runs: skipped, not run alongside.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, check.Runs);

        release.SetResult();
        await check.Current.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, check.Runs);
        Assert.False(overlapped);
    }
}
