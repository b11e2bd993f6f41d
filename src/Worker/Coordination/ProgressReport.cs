using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkSync.Worker.Coordination;

/// <summary>One progress report of the master (<c>--progress-file</c>), read by <c>zkrsync local</c>'s display.</summary>
/// <param name="Queued">Paths queued so far (the total once <paramref name="WalkDone"/>).</param>
/// <param name="InFlight">Entries taken by sources right now: the active transfer streams.</param>
public sealed record ProgressReport(
    long Queued,
    bool WalkDone,
    long Completed,
    long Failed,
    long Left,
    long InFlight,
    IReadOnlyDictionary<string, long> Stats,
    double ElapsedSeconds,
    bool Finished)
{
    public long Done => Completed + Failed;

    public string ToJson() => JsonSerializer.Serialize(this, ProgressReportJsonContext.Default.ProgressReport);

    public static ProgressReport? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ProgressReportJsonContext.Default.ProgressReport);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces <paramref name="path"/> atomically (write aside, rename), so a reader never sees half a report.</summary>
    public void WriteTo(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProgressReport))]
internal sealed partial class ProgressReportJsonContext : JsonSerializerContext;
