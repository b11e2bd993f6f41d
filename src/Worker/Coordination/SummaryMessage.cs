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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
