using System.Globalization;
using ZkSync.Contracts;

namespace ZkSync.Worker.Local;

/// <summary>
/// Shows the master's progress reports: on a terminal one line redrawn in place twice a second; when
/// the output is not a terminal, a plain line at most every few seconds (logs and CI stay readable: the
/// caller also shows a report at every worker exit), and the last report at the end if it was not printed.
/// Worker restarts (a crashed worker started again) are shown on the line once there were any.
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, bool live, TimeProvider time)
{
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private int _lastLength;

    /// <summary>Plain output: the last line printed and when (null: none yet), and a newer line held back since.</summary>
    private string? _printed;
    private long? _printedAt;
    private string? _heldBack;

    public TimeSpan Interval => live ? LiveInterval : PlainInterval;

    public void Show(SessionProgress report, int restarts = 0)
    {
        var line = Format(report, restarts);
        if (live)
        {
            output.Write('\r' + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
        else if (_printedAt is { } printedAt && time.GetElapsedTime(printedAt) < PlainInterval)
        {
            _heldBack = line == _printed ? null : line;
            return;
        }
        else
        {
            Print(line);
        }

        output.Flush();
    }

    /// <summary>Ends the live line so what follows starts on a line of its own; plain output prints the line it held back.</summary>
    public void Finish()
    {
        if (live && _lastLength > 0)
        {
            output.WriteLine();
            _lastLength = 0;
        }
        else if (_heldBack is { } line)
        {
            Print(line);
            output.Flush();
        }
    }

    private void Print(string line)
    {
        output.WriteLine(line);
        _printed = line;
        _printedAt = time.GetTimestamp();
        _heldBack = null;
    }

    public static string Format(SessionProgress report, int restarts = 0)
    {
        ArgumentNullException.ThrowIfNull(report);
        var total = report.WalkDone ? Units.Count(report.PathsQueued) : Units.Count(report.PathsQueued) + "+";
        var percent = report.WalkDone && report.PathsQueued > 0
            ? string.Create(CultureInfo.InvariantCulture, $" ({100.0 * report.PathsDone / report.PathsQueued:0}%)")
            : string.Empty;
        var bytes = report.Stats.TryGetValue("Total_transferred_file_size", out var b) ? b : 0;
        var files = report.Stats.TryGetValue("Number_of_regular_files_transferred", out var f) ? f : 0;
        var rate = report.ElapsedSeconds > 0 ? bytes / report.ElapsedSeconds : 0;
        var eta = report.WalkDone && report.PathsDone > 0 && report.PathsRemaining > 0
            ? Units.Duration(TimeSpan.FromSeconds(report.ElapsedSeconds / report.PathsDone * report.PathsRemaining))
            : report.PathsRemaining == 0 && report.WalkDone ? "0:00" : "?";
        var restarted = restarts > 0 ? $" | restarts {restarts}" : string.Empty;
        return $"paths {Units.Count(report.PathsDone)}/{total}{percent} | files {Units.Count(files)} | {Units.Bytes(bytes)} | {Units.Bytes(rate)}/s | ETA {eta} | streams {report.PathsInFlight} | failed {Units.Count(report.PathsFailed)}{restarted}";
    }
}
