using System.Globalization;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>The Events a status change is worth (pure): transitions only, so a status written again records nothing.</summary>
public static class SessionEvents
{
    public static List<SessionEvent> Between(V1Alpha1ZkRsyncSessionStatus? before, V1Alpha1ZkRsyncSessionStatus after)
    {
        ArgumentNullException.ThrowIfNull(after);
        before ??= new V1Alpha1ZkRsyncSessionStatus();
        var events = new List<SessionEvent>();
        var samePass = before.Pass == after.Pass;
        if (after.Pass is { } pass && !samePass)
        {
            events.Add(new SessionEvent(SessionEvent.Normal, EventReasons.SessionStarted,
                string.Create(CultureInfo.InvariantCulture, $"pass {pass} started (ZooKeeper session {after.ZookeeperPath})")));
        }

        if (AllReady(after.Workers) && !(samePass && AllReady(before.Workers)))
        {
            events.Add(new SessionEvent(SessionEvent.Normal, EventReasons.WorkersReady,
                string.Create(CultureInfo.InvariantCulture, $"pass {after.Pass}: {after.Workers!.SourcesReady} sources and {after.Workers.DestinationsReady} destinations ready")));
        }

        var failedBefore = samePass ? before.Paths?.Failed ?? 0 : 0;
        var failedAfter = after.Paths?.Failed ?? 0;
        if (failedAfter > failedBefore)
        {
            var known = samePass ? before.FailedPaths?.Select(f => f.Path).ToHashSet(StringComparer.Ordinal) ?? [] : [];
            var first = after.FailedPaths?.FirstOrDefault(f => !known.Contains(f.Path));
            var detail = first is null ? string.Empty : $", e.g. {first.Path}: {first.Error}";
            events.Add(new SessionEvent(SessionEvent.Warning, EventReasons.PathFailed,
                string.Create(CultureInfo.InvariantCulture, $"pass {after.Pass}: {failedAfter - failedBefore} more path(s) failed every attempt ({failedAfter} in all){detail}")));
        }

        if (BecameTrue(before, after, ConditionTypes.Complete))
        {
            events.Add(new SessionEvent(SessionEvent.Normal, EventReasons.Completed, after.Message ?? "completed"));
        }

        if (BecameTrue(before, after, ConditionTypes.Failed))
        {
            var failed = Find(after, ConditionTypes.Failed)!;
            events.Add(new SessionEvent(SessionEvent.Warning, EventReasons.Failed, $"{failed.Reason}: {failed.Message}"));
        }
        else if (BecameTrue(before, after, ConditionTypes.Stalled) || StalledReasonChanged(before, after))
        {
            var stalled = Find(after, ConditionTypes.Stalled)!;
            var reason = stalled.Reason == ConditionReasons.CleanupBlocked ? EventReasons.CleanupBlocked : EventReasons.Stalled;
            events.Add(new SessionEvent(SessionEvent.Warning, reason, $"{stalled.Reason}: {stalled.Message}"));
        }

        return events;
    }

    private static bool AllReady(V1Alpha1WorkerCounts? workers) =>
        workers is { SourcesDesired: > 0, DestinationsDesired: > 0 }
        && workers.SourcesReady >= workers.SourcesDesired
        && workers.DestinationsReady >= workers.DestinationsDesired;

    private static bool BecameTrue(V1Alpha1ZkRsyncSessionStatus before, V1Alpha1ZkRsyncSessionStatus after, string type) =>
        Find(after, type)?.Status == "True" && (Find(before, type)?.Status != "True" || before.Pass != after.Pass);

    private static bool StalledReasonChanged(V1Alpha1ZkRsyncSessionStatus before, V1Alpha1ZkRsyncSessionStatus after) =>
        Find(after, ConditionTypes.Stalled) is { Status: "True" } now && Find(before, ConditionTypes.Stalled) is { Status: "True" } then && now.Reason != then.Reason;

    private static k8s.Models.V1Condition? Find(V1Alpha1ZkRsyncSessionStatus status, string type) =>
        status.Conditions?.FirstOrDefault(c => c.Type == type);
}
