using System.Globalization;
using ZkSync.Contracts;

namespace ZkSync.Worker.Coordination;

/// <summary>The one line a session's summary says to people: what happened and, when not everything was synced, what to do.</summary>
internal static class SummaryMessage
{
    public static string For(RoleOutcome outcome, long completed, long unfinished, IReadOnlyList<FailedPath> failures, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var failed = outcome.FailedPaths;
        var seconds = elapsed.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var first = failures.Count > 0 ? $"; first: {failures[0].Path}: {failures[0].Error}" : string.Empty;
        return outcome.Reason switch
        {
            SessionEndReason.Completed => Invariant($"{completed} paths synced in {seconds} s"),
            SessionEndReason.SessionLost => "the master lost its ZooKeeper session; a new master resumes the session",
            SessionEndReason.Interrupted => Invariant($"interrupted after {seconds} s: {completed} paths synced, {unfinished} unfinished, {failed} failed{first}; run the session again to finish"),
            _ => Invariant($"{failed} paths failed and {unfinished} unfinished ({completed} synced){first}; run the session again to retry them"),
        };
    }

    /// <summary>
    /// The line of a session ended because no destination could take transfers: which destination, what error, what it
    /// has free against what the unfinished paths hold on the source, and what to do.
    /// </summary>
    /// <param name="faults">The destinations' faults (at least one); the first is named.</param>
    /// <param name="unfinished">Paths left in the queue.</param>
    /// <param name="neededBytes">What the unfinished paths hold on the source (an upper bound of what they need).</param>
    /// <param name="walkDone">Whether the walk had queued every path (otherwise more is left than the queue holds).</param>
    public static string DestinationsUnavailable(IReadOnlyList<DestinationFault> faults, long unfinished, long neededBytes, bool walkDone)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var fault = faults[0];
        var where = string.IsNullOrEmpty(fault.Path) ? fault.Destination : $"{fault.Destination} ({fault.Path})";
        var others = faults.Count > 1 ? Invariant($" (and {faults.Count - 1} other destination(s))") : string.Empty;
        var free = fault.FreeBytes is { } bytes ? $"{Local.Units.Bytes(bytes)} free there" : "its free space unknown";
        var rest = walkDone
            ? Invariant($"the {unfinished} unfinished paths hold {Local.Units.Bytes(neededBytes)} on the source")
            : Invariant($"the {unfinished} unfinished paths hold {Local.Units.Bytes(neededBytes)} on the source, and the walk had not reached the rest");
        var fix = fault.Reason switch
        {
            SessionEndReason.QuotaExceeded => "raise the quota of the user the destination writes as (or free space)",
            SessionEndReason.DestinationReadOnly => "remount it read-write (or use another destination)",
            _ => "free space there (or add a destination with room)",
        };
        return $"destination {where}{others} cannot take more: {fault.Cause} ({fault.Error}); {free}, {rest}: {fix} and run the session again";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
