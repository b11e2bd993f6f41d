using System.Globalization;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Local;

/// <summary>
/// Shows the master's progress reports: on a terminal one line redrawn in place twice a second; when
/// the output is not a terminal, a plain line every few seconds (logs and CI stay readable).
/// </summary>
internal sealed class ProgressDisplay(TextWriter output, bool live)
{
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private int _lastLength;

    public TimeSpan Interval => live ? LiveInterval : PlainInterval;

    public void Show(ProgressReport report)
    {
        var line = Format(report);
        if (live)
        {
            output.Write('\r' + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
        else
        {
            output.WriteLine(line);
        }

        output.Flush();
    }

    /// <summary>Ends the live line so the summary starts on a line of its own.</summary>
    public void Finish()
    {
        if (live && _lastLength > 0)
        {
            output.WriteLine();
            _lastLength = 0;
        }
    }

    public static string Format(ProgressReport report)
    {
        var total = report.WalkDone ? Units.Count(report.Queued) : Units.Count(report.Queued) + "+";
        var percent = report.WalkDone && report.Queued > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({100.0 * report.Done / report.Queued:0}%)") : string.Empty;
        var bytes = report.Stats.TryGetValue("Total_transferred_file_size", out var b) ? b : 0;
        var files = report.Stats.TryGetValue("Number_of_regular_files_transferred", out var f) ? f : 0;
        var rate = report.ElapsedSeconds > 0 ? bytes / report.ElapsedSeconds : 0;
        var eta = report.WalkDone && report.Done > 0 && report.Left > 0
            ? Units.Duration(TimeSpan.FromSeconds(report.ElapsedSeconds / report.Done * report.Left))
            : report.Left == 0 && report.WalkDone ? "0:00" : "?";
        return $"paths {Units.Count(report.Done)}/{total}{percent} | files {Units.Count(files)} | {Units.Bytes(bytes)} | {Units.Bytes(rate)}/s | ETA {eta} | streams {report.InFlight} | failed {Units.Count(report.Failed)}";
    }
}
