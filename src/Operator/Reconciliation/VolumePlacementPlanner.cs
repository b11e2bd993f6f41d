using k8s.Models;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// Decides where a new pass's pods run from the claims' access modes (pure). ReadWriteOnce claims pin every pod to
/// the node where the claim is in use (a running pod that mounts it, whose tolerations are copied); when none uses it
/// yet, every pod goes with the session's own pods (<see cref="Placement.WithSession"/>: the first one's node, then
/// whichever node one still runs on), or, when the user's affinity has required pod affinity terms that one cannot
/// join, the workers follow the master pod's node. ReadWriteOncePod claims and claims in use on two different nodes cannot
/// serve several pods: the session fails with <see cref="ConditionReasons.VolumeAccessMode"/>, nothing started.
/// ReadWriteMany and ReadOnlyMany claims, and inline volumes, let the pods spread across nodes.
/// </summary>
public static class VolumePlacementPlanner
{
    /// <param name="sourceClaim">The source's claim, or null (inline volume, or not found: see <paramref name="claimsLooked"/>).</param>
    /// <param name="namespacePods">Pods of the session's namespace (those of this session are ignored).</param>
    public static VolumeDecision Plan(
        V1Alpha1ZkRsyncSession session,
        V1PersistentVolumeClaim? sourceClaim,
        V1PersistentVolumeClaim? destinationClaim,
        IReadOnlyList<V1Pod> namespacePods)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(namespacePods);
        var spec = session.Spec;
        var claims = new List<(string Field, string Name, V1PersistentVolumeClaim? Claim)>();
        if (spec.Source.ClaimName is { } sourceName)
        {
            claims.Add(("spec.source.claimName", sourceName, sourceClaim));
        }

        if (spec.Destination.ClaimName is { } destinationName)
        {
            claims.Add(("spec.destination.claimName", destinationName, destinationClaim));
        }

        if (spec.Source.ClaimName is not null && spec.Source.ClaimName == spec.Destination.ClaimName)
        {
            return VolumeDecision.Blocked(SessionProblem.Failed(ConditionReasons.InvalidSpec,
                $"spec.source and spec.destination name the same claim {spec.Source.ClaimName}"));
        }

        var pinned = new List<(string Field, string Claim, string Node, IReadOnlyList<V1Toleration> Tolerations)>();
        var anyReadWriteOnce = false;
        foreach (var (field, name, claim) in claims)
        {
            if (claim is null)
            {
                return VolumeDecision.Blocked(SessionProblem.Stalled(ConditionReasons.ClaimNotFound,
                    $"{field}: PersistentVolumeClaim {name} not found in namespace {session.Metadata.NamespaceProperty}"));
            }

            var modes = AccessModes(claim);
            if (modes.Contains("ReadWriteOncePod"))
            {
                return VolumeDecision.Blocked(SessionProblem.Failed(ConditionReasons.VolumeAccessMode,
                    $"{field}: claim {name} is ReadWriteOncePod, but a session's workers are several pods that mount it; use a ReadWriteOnce or ReadWriteMany claim"));
            }

            if (modes.Contains("ReadWriteMany") || modes.Contains("ReadOnlyMany"))
            {
                continue;
            }

            anyReadWriteOnce = true;
            var user = namespacePods
                .Where(p => IsRunningElsewhere(p, session.Metadata.Name) && Mounts(p, name))
                .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (user is not null)
            {
                pinned.Add((field, name, user.Spec.NodeName, [.. user.Spec.Tolerations ?? []]));
            }
        }

        var nodes = pinned.Select(p => p.Node).Distinct(StringComparer.Ordinal).ToList();
        if (nodes.Count > 1)
        {
            return VolumeDecision.Blocked(SessionProblem.Failed(ConditionReasons.VolumeAccessMode,
                string.Join(" and ", pinned.Select(p => $"{p.Field} {p.Claim} is in use on node {p.Node}")) +
                ": ReadWriteOnce claims can only be mounted together on one node"));
        }

        if (nodes.Count == 1)
        {
            var tolerations = pinned.SelectMany(p => p.Tolerations).ToList();
            return new VolumeDecision(null, Placement.PinTo(nodes[0], tolerations), WorkersFollowMaster: false);
        }

        if (!anyReadWriteOnce)
        {
            return new VolumeDecision(null, Placement.Spread, WorkersFollowMaster: false);
        }

        return spec.Workers?.Affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { Count: > 0 }
            ? new VolumeDecision(null, Placement.Spread, WorkersFollowMaster: true)
            : new VolumeDecision(null, Placement.WithSession, WorkersFollowMaster: false);
    }

    /// <summary>The claim's access modes: the bound volume's when bound, else those asked for.</summary>
    public static IReadOnlyList<string> AccessModes(V1PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return claim.Status?.AccessModes is { Count: > 0 } bound ? [.. bound] : [.. claim.Spec?.AccessModes ?? []];
    }

    private static bool IsRunningElsewhere(V1Pod pod, string session) =>
        pod.Status?.Phase == "Running"
        && pod.Metadata.DeletionTimestamp is null
        && !string.IsNullOrEmpty(pod.Spec?.NodeName)
        && !(pod.Metadata.Labels?.TryGetValue(SessionNames.LabelSession, out var owner) == true && owner == session
             && pod.Metadata.Labels.TryGetValue(SessionNames.LabelManagedBy, out var by) && by == SessionNames.ManagedBy);

    private static bool Mounts(V1Pod pod, string claim) =>
        pod.Spec?.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claim) == true;
}
