using System.Globalization;
using System.Text;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Renders the results as a Markdown table (so it can go into the README as is) and a summary line.</summary>
internal static class ResultTable
{
    public static string Render(IReadOnlyList<LineResult> results)
    {
        string[] header = ["operation", "ours ops/s", "kazoo ops/s", "ratio (ours/kazoo)", "target", "result"];
        var rows = results.Select(r => new[]
        {
            r.Line.Title,
            Number(r.OursOpsPerSecond),
            Number(r.KazooOpsPerSecond),
            Format($"{r.Ratio:0.00}x"),
            Format($">= {r.Line.MinimumRatio:0.#}x"),
            r.MeetsTarget ? "PASS" : "FAIL",
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var rightAligned = new[] { false, true, true, true, true, false };

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

    public static string Summary(IReadOnlyList<LineResult> results)
    {
        var failed = results.Where(r => !r.MeetsTarget).Select(r => r.Line.Title).ToList();
        return failed.Count == 0
            ? Format($"SUMMARY: PASS: all {results.Count} lines meet their targets (ours >= kazoo everywhere, >= 5x with all calls in flight, >= 3x on the LockingQueue line).")
            : Format($"SUMMARY: FAIL: {failed.Count} of {results.Count} lines below target: {string.Join(", ", failed)}.");
    }

    /// <summary>How the all-in-flight line compares with what the server can do at all.</summary>
    public static string CeilingNote(BenchmarkReport report)
    {
        var pipelined = report.Lines.FirstOrDefault(r => r.Line.Key == CrudWorkload.PipelinedGet);
        if (pipelined is null)
        {
            return string.Empty;
        }

        return Format($"""
            Server ceiling for getData all in flight (requests pre-encoded, bare socket, no client library): {Number(report.PipelinedGetCeiling)} ops/s.
            Ours reaches {pipelined.OursOpsPerSecond / report.PipelinedGetCeiling:0%} of it; the ceiling is {report.PipelinedGetCeiling / pipelined.KazooOpsPerSecond:0.00}x kazoo, so no client could show more than that ratio here (target {pipelined.Line.MinimumRatio:0.#}x).
            """);
    }

    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("#,0", CultureInfo.InvariantCulture) : "n/a";

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
