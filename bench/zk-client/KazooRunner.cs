using System.Globalization;
using System.Reflection;
using System.Text.Json;
using ZkSync.Testing;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Runs one workload with kazoo: kazoo_bench.py (an embedded resource) in a python3 process of its own.</summary>
internal static class KazooRunner
{
    private const string ScriptResource = "kazoo_bench.py";

    private static readonly Lazy<string> Script = new(LoadScript);

    /// <returns>The timing of each line by key, as the script measured it.</returns>
    public static async Task<IReadOnlyDictionary<string, LineTiming>> RunAsync(
        string connectionString,
        IWorkload workload,
        string parent,
        int items,
        string warmupParent,
        int warmupItems,
        CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            connectionString,
            workload.Name,
            parent,
            items.ToString(CultureInfo.InvariantCulture),
            warmupParent,
            warmupItems.ToString(CultureInfo.InvariantCulture),
        ];

        // kazoo does a few thousand operations a second at best, and its LockingQueue lists the whole
        // queue for every item (tens of items a second at 10,000): allow 100 ms per item and line.
        var timeout = TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(100.0 * (items + warmupItems) * workload.Lines.Count);
        var result = await KazooScript.RunAsync(Script.Value, arguments, environment: null, timeout, cancellationToken)
            .ConfigureAwait(false);
        result.EnsureSuccess();
        return ParseTimings(result.StandardOutput, workload);
    }

    private static Dictionary<string, LineTiming> ParseTimings(string output, IWorkload workload)
    {
        var lastLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException("The kazoo script printed nothing.");
        using var document = JsonDocument.Parse(lastLine);
        var seconds = document.RootElement.GetProperty("seconds");
        var cpuSeconds = document.RootElement.GetProperty("cpu_seconds");
        var timings = new Dictionary<string, LineTiming>(StringComparer.Ordinal);
        foreach (var line in workload.Lines)
        {
            if (!seconds.TryGetProperty(line.Key, out var elapsed) || !cpuSeconds.TryGetProperty(line.Key, out var cpu))
            {
                throw new InvalidOperationException($"The kazoo script reported no '{line.Key}' timing: {lastLine}");
            }

            timings[line.Key] = new LineTiming(TimeSpan.FromSeconds(elapsed.GetDouble()), TimeSpan.FromSeconds(cpu.GetDouble()));
        }

        return timings;
    }

    private static string LoadScript()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"The embedded resource {ScriptResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
