namespace ZkSync.LocalCluster.Scheduling;

/// <summary>
/// The scheduler's words for a pod it could not place (framework.FitError with the DefaultPreemption post-filter's
/// message): <c>0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 node(s) didn't match Pod's node
/// affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.</c> The reasons
/// are counted and sorted as strings; a pre-filter failure (a claim missing or unbound) replaces the per-node reasons.
/// The local scheduler never preempts: nodes preemption could help are reported as having no victims.
/// </summary>
public static class FitMessage
{
    public const string NoNodes = "no nodes available to schedule pods";
    public const string PreemptionNotHelpful = "Preemption is not helpful for scheduling";
    public const string NoVictims = "No preemption victims found for incoming pod";

    public static string Format(int nodeCount, string? preFilterMessage, IReadOnlyList<NodeFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var message = $"0/{nodeCount} nodes are available:";
        message += preFilterMessage is not null
            ? $" {preFilterMessage}."
            : $" {Histogram(failures.SelectMany(f => f.Reasons))}.";
        var preemption = preFilterMessage is not null
            ? Enumerable.Repeat(PreemptionNotHelpful, nodeCount)
            : failures.Select(f => f.Unresolvable ? PreemptionNotHelpful : NoVictims);
        return $"{message} preemption: 0/{nodeCount} nodes are available: {Histogram(preemption)}.";
    }

    private static string Histogram(IEnumerable<string> reasons) =>
        string.Join(", ", reasons.GroupBy(r => r, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}").Order(StringComparer.Ordinal));
}
