using Microsoft.Extensions.Logging.Abstractions;
using ZkSync.Operator.Controller;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Reconciliation;

namespace ZkSync.Operator.Tests.Controller;

public sealed class SessionEventRecorderTests
{
    private static SessionEvent Event(int i) => new(SessionEvent.Normal, EventReasons.SessionStarted, $"event {i}");

    [Fact]
    public async Task Post_DoesNotWaitForTheApiServer_AndTheTermsEndRecordsEveryWaitingEventInOrder()
    {
        var cluster = new EventRecordingCluster();
        var recorder = new SessionEventRecorder(cluster, TimeProvider.System, NullLogger<SessionEventRecorder>.Instance);
        var session = TestSessions.New();
        for (var i = 0; i < 5; i++)
        {
            recorder.Post(session, Event(i)); // the API server answers nothing yet
        }

        Assert.Empty(cluster.Recorded);
        cluster.Open.SetResult();
        await recorder.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"event {i}"), cluster.Recorded);
    }

    [Fact]
    public async Task ARefusedEvent_IsDropped_AndTheNextOnesAreStillRecorded()
    {
        var cluster = new EventRecordingCluster { Refused = { "event 1" } };
        cluster.Open.SetResult();
        var recorder = new SessionEventRecorder(cluster, TimeProvider.System, NullLogger<SessionEventRecorder>.Instance);
        for (var i = 0; i < 3; i++)
        {
            recorder.Post(TestSessions.New(), Event(i));
        }

        await recorder.DisposeAsync();

        Assert.Equal(["event 0", "event 2"], cluster.Recorded);
    }

    [Fact]
    public async Task BeyondItsCapacity_TheOldestWaitingEventsAreDropped()
    {
        var cluster = new EventRecordingCluster();
        var recorder = new SessionEventRecorder(cluster, TimeProvider.System, NullLogger<SessionEventRecorder>.Instance);
        var posted = SessionEventRecorder.Capacity + 50;
        for (var i = 0; i < posted; i++)
        {
            recorder.Post(TestSessions.New(), Event(i));
        }

        cluster.Open.SetResult();
        await recorder.DisposeAsync();

        // At most one (taken before the queue filled) besides the newest Capacity; the newest always kept.
        Assert.InRange(cluster.Recorded.Count, SessionEventRecorder.Capacity, SessionEventRecorder.Capacity + 1);
        Assert.Equal($"event {posted - 1}", cluster.Recorded.Last());
        Assert.DoesNotContain("event 10", cluster.Recorded);
    }
}
