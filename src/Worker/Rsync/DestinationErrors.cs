using System.Text.RegularExpressions;
using ZkSync.Contracts;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// Tells from rsync's messages — the receiver's, as the destination daemon logs them and as the source's rsync
/// relays them — that the destination cannot take more: no space (ENOSPC), quota exceeded (EDQUOT) or a
/// read-only file system (EROFS). Such a failure is the destination's, not the path's.
/// </summary>
internal static partial class DestinationErrors
{
    /// <summary>The reason (a <see cref="SessionEndReason"/>) and rsync's line for the first such error in
    /// <paramref name="output"/>; null when there is none. Lines of the sending side (<c>[sender]</c>) do not count:
    /// a read-only or full source is not the destination's fault.</summary>
    public static (string Reason, string Line)? Classify(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("[sender]", StringComparison.Ordinal))
            {
                continue;
            }

            var match = ErrnoPattern().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var reason = match.Groups["errno"].Value switch
            {
                "28" => SessionEndReason.DestinationFull,
                "122" => SessionEndReason.QuotaExceeded,
                "30" => SessionEndReason.DestinationReadOnly,
                _ => null,
            };
            if (reason is not null)
            {
                return (reason, FailureRecord.OneLine(TrimPrefix(line)));
            }
        }

        return null;
    }

    /// <summary>Without the daemon log's "date time [pid] " and rsync's "rsync: [receiver] " prefixes.</summary>
    private static string TrimPrefix(string line)
    {
        var start = line.IndexOf("rsync: ", StringComparison.Ordinal);
        var text = start >= 0 ? line[(start + "rsync: ".Length)..] : line;
        return RolePrefix().Replace(text, string.Empty).Trim();
    }

    // strerror text and errno as rsync prints them: "...: No space left on device (28)".
    [GeneratedRegex(@"(?:No space left on device|Disk quota exceeded|Read-only file system) \((?<errno>\d+)\)")]
    private static partial Regex ErrnoPattern();

    [GeneratedRegex(@"^\[(?:receiver|generator)\] ")]
    private static partial Regex RolePrefix();
}
