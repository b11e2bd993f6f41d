using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkSync.Worker.Coordination;

/// <summary>The master's final account of a session (<c>--json-summary</c>, <c>/dev/termination-log</c>).</summary>
internal sealed record SessionSummary(
    string Session,
    long PathsCompleted,
    long PathsFailed,
    long PathsUnfinished,
    IReadOnlyList<string> FailedPaths,
    IReadOnlyDictionary<string, long> Stats,
    double WallTimeSeconds,
    int ExitCode)
{
    /// <summary>At most this many failed paths are listed (a termination log holds 4 KiB).</summary>
    public const int MaxListedFailures = 1000;

    public string ToJson(int maxFailedPaths = MaxListedFailures) =>
        JsonSerializer.Serialize(this with { FailedPaths = [.. FailedPaths.Take(maxFailedPaths)] }, SessionSummaryJsonContext.Default.SessionSummary);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SessionSummary))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
internal sealed partial class SessionSummaryJsonContext : JsonSerializerContext;
