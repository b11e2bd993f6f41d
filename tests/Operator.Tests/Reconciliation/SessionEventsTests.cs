using k8s.Models;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class SessionEventsTests
{
    private static V1Alpha1ZkRsyncSessionStatus Status(int? pass = 1, int sourcesReady = 0, long failed = 0, string? complete = null, string? failedCondition = null,
        (string Reason, string Message)? stalled = null, IList<V1Alpha1FailedPath>? failedPaths = null) => new()
    {
        Pass = pass,
        ZookeeperPath = "/admin/rsync/s",
        Workers = new V1Alpha1WorkerCounts { SourcesReady = sourcesReady, SourcesDesired = 2, DestinationsReady = sourcesReady, DestinationsDesired = 2 },
        Paths = new V1Alpha1PathCounts { Failed = failed },
        FailedPaths = failedPaths,
        Message = "msg",
        Conditions =
        [
            new V1Condition { Type = ConditionTypes.Complete, Status = complete ?? "False", Reason = "r", Message = "m" },
            new V1Condition { Type = ConditionTypes.Failed, Status = failedCondition ?? "False", Reason = ConditionReasons.PathsFailed, Message = "2 paths failed" },
            new V1Condition { Type = ConditionTypes.Stalled, Status = stalled is null ? "False" : "True", Reason = stalled?.Reason ?? "Progressing", Message = stalled?.Message ?? "" },
        ],
    };

    private static List<string> Reasons(V1Alpha1ZkRsyncSessionStatus? before, V1Alpha1ZkRsyncSessionStatus after) =>
        [.. SessionEvents.Between(before, after).Select(e => e.Reason)];

    [Fact]
    public void NewPass_IsSessionStarted() => Assert.Equal([EventReasons.SessionStarted], Reasons(Status(pass: null), Status(pass: 1)));

    [Fact]
    public void SameStatusAgain_RecordsNothing() => Assert.Empty(Reasons(Status(sourcesReady: 2, failed: 3, complete: "True"), Status(sourcesReady: 2, failed: 3, complete: "True")));

    [Fact]
    public void AllWorkersReady_IsWorkersReady_Once()
    {
        Assert.Equal([EventReasons.WorkersReady], Reasons(Status(sourcesReady: 1), Status(sourcesReady: 2)));
        Assert.Empty(Reasons(Status(sourcesReady: 2), Status(sourcesReady: 2)));
    }

    [Fact]
    public void MoreFailedPaths_IsOnePathFailedWarning_NamingANewOne()
    {
        var events = SessionEvents.Between(
            Status(failed: 1, failedPaths: [new V1Alpha1FailedPath { Path = "a", Error = "x" }]),
            Status(failed: 3, failedPaths: [new V1Alpha1FailedPath { Path = "a", Error = "x" }, new V1Alpha1FailedPath { Path = "b", Error = "denied" }]));

        var e = Assert.Single(events);
        Assert.Equal((SessionEvent.Warning, EventReasons.PathFailed), (e.Type, e.Reason));
        Assert.Equal("pass 1: 2 more path(s) failed every attempt (3 in all), e.g. b: denied", e.Message);
    }

    [Fact]
    public void CompleteBecomingTrue_IsCompleted() => Assert.Equal([EventReasons.Completed], Reasons(Status(), Status(complete: "True")));

    [Fact]
    public void FailedBecomingTrue_IsAFailedWarning_WithoutAStalledOneBeside()
    {
        var e = Assert.Single(SessionEvents.Between(Status(), Status(failedCondition: "True", stalled: (ConditionReasons.PathsFailed, "2 paths failed"))));
        Assert.Equal((SessionEvent.Warning, EventReasons.Failed, "PathsFailed: 2 paths failed"), (e.Type, e.Reason, e.Message));
    }

    [Fact]
    public void StalledOrItsReasonChanging_IsAWarning_CleanupBlockedByItsOwnReason()
    {
        Assert.Equal([EventReasons.Stalled], Reasons(Status(), Status(stalled: (ConditionReasons.Unschedulable, "no node"))));
        Assert.Equal([EventReasons.CleanupBlocked], Reasons(Status(stalled: (ConditionReasons.Unschedulable, "no node")), Status(stalled: (ConditionReasons.CleanupBlocked, "zk down"))));
        Assert.Empty(Reasons(Status(stalled: (ConditionReasons.Unschedulable, "no node")), Status(stalled: (ConditionReasons.Unschedulable, "no node"))));
    }

    [Fact]
    public void CompletedAgainInANewPass_IsCompletedAgain() =>
        Assert.Contains(EventReasons.Completed, Reasons(Status(pass: 1, complete: "True"), Status(pass: 2, complete: "True")));
}
