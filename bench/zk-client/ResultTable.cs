using System.Globalization;
using System.Text;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Renders the results as a Markdown table (so it can go into the README as is) and a summary line.</summary>
internal static class ResultTable
{
    public static string Render(BenchmarkReport report)
    {
        string[] header = ["operation", "ours ops/s", "kazoo ops/s", "ratio (ours/kazoo)", "ours CPU us/call", "kazoo CPU us/call", "target", "result"];
        var rows = report.Lines.Select(r => new[]
        {
            r.Line.Title,
            Number(r.OursOpsPerSecond),
            Number(r.KazooOpsPerSecond),
            Format($"{r.Ratio:0.00}x"),
            Format($"{r.OursCpuMicrosecondsPerCall:0.0}"),
            Format($"{r.KazooCpuMicrosecondsPerCall:0.0}"),
            Target(r.Line),
            r.MeetsTarget ? "PASS" : "FAIL",
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var rightAligned = new[] { false, true, true, true, true, true, true, false };

        var text = new StringBuilder();
        AppendRow(header);
        text.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            text.Append(rightAligned[i] ? $" {new string('-', widths[i] - 1)}: |" : $" {new string('-', widths[i])} |");
        }

        text.Append('\n');
        foreach (var row in rows)
        {
            AppendRow(row);
        }

        return text.ToString();

        void AppendRow(string[] cells)
        {
            text.Append('|');
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]);
                text.Append(' ').Append(cell).Append(" |");
            }

            text.Append('\n');
        }
    }

    public static string Summary(BenchmarkReport report)
    {
        var results = report.Lines;
        var failed = results.Where(r => !r.MeetsTarget).Select(r => r.Line.Title).ToList();
        var targets = string.Join(", ", results.Select(r => r.Line.Title + " " + Target(r.Line)));
        return failed.Count == 0
            ? Format($"SUMMARY: PASS: all {results.Count} lines meet their targets ({targets}).")
            : Format($"SUMMARY: FAIL: {failed.Count} of {results.Count} lines below target: {string.Join(", ", failed)}.");
    }

    private static string Target(BenchmarkLine line) => line.MinimumOfCeiling is { } fraction
        ? Format($">= {fraction:0%} of ceiling")
        : Format($">= {line.MinimumRatio:0.#}x");

    /// <summary>How each line with a ceiling compares with what the server can do at all.</summary>
    public static string CeilingNote(BenchmarkReport report) => string.Join('\n', report.Lines
        .Where(line => line.Line.Ceiling != ServerCeiling.None)
        .Select(line => Format($"""
            Server ceiling for {line.Line.Title} ({Describe(line.Line.Ceiling)}; requests pre-encoded, no client library, measured right after each of our runs): {Number(line.CeilingOpsPerSecond)} ops/s (median).
            Ours reaches {line.OfCeiling:0%} of it (median of the runs' ratios; target {Target(line.Line)}); the ceiling is {line.CeilingOpsPerSecond / line.KazooOpsPerSecond:0.00}x kazoo, so on a quiet machine no client could show much more than that ratio here (under load the ceiling swings from run to run as much as the clients do).
            """)));

    public static string Describe(ServerCeiling ceiling) => ceiling switch
    {
        ServerCeiling.PipelinedGet => "getData, all in flight, bare socket",
        ServerCeiling.SequentialGet => "getData, one blocking round trip at a time, bare synchronous socket",
        _ => "none",
    };

    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("#,0", CultureInfo.InvariantCulture) : "n/a";

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
