using k8s.Models;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// The current pass as the owned Jobs and pods show it. The pass number is the larger of <c>status.pass</c> and
/// the newest pass label on a Job, so a pass whose Job was created just before the operator stopped (and whose
/// status was not written yet) is found again rather than started twice.
/// </summary>
public sealed record PassView(
    int Number,
    V1Job? Master,
    V1Job? Sources,
    V1Job? Destinations,
    IReadOnlyList<V1Job> Stale,
    IReadOnlyList<V1Pod> Pods)
{
    public static PassView From(int? statusPass, IReadOnlyList<V1Job> jobs, IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(pods);
        var number = Math.Max(statusPass ?? 0, jobs.Select(j => SessionNames.PassOf(j.Metadata.Labels) ?? 0).DefaultIfEmpty(0).Max());
        V1Job? Find(WorkerRole role) => jobs.FirstOrDefault(j =>
            SessionNames.PassOf(j.Metadata.Labels) == number
            && SessionNames.RoleOf(j.Metadata.Labels) == role);
        var stale = jobs.Where(j => SessionNames.PassOf(j.Metadata.Labels) != number).ToList();
        var current = pods.Where(p => SessionNames.PassOf(p.Metadata.Labels) == number).ToList();
        return new PassView(number, Find(WorkerRole.Master), Find(WorkerRole.Sources), Find(WorkerRole.Destinations), stale, current);
    }

    public V1Job? Job(WorkerRole role) => role switch
    {
        WorkerRole.Master => Master,
        WorkerRole.Sources => Sources,
        _ => Destinations,
    };

    public IEnumerable<V1Pod> PodsOf(WorkerRole role) =>
        Pods.Where(p => SessionNames.RoleOf(p.Metadata.Labels) == role);

    /// <summary>The pass's Jobs that exist.</summary>
    public IEnumerable<V1Job> Jobs => new[] { Master, Sources, Destinations }.OfType<V1Job>();
}
