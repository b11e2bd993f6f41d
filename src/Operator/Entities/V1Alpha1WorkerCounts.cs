using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>status.workers</c>: the current pass's workers.</summary>
public sealed record V1Alpha1WorkerCounts
{
    [JsonPropertyName("master")]
    public string? Master { get; set; }

    [JsonPropertyName("sourcesReady")]
    public int? SourcesReady { get; set; }

    [JsonPropertyName("sourcesDesired")]
    public int? SourcesDesired { get; set; }

    [JsonPropertyName("destinationsReady")]
    public int? DestinationsReady { get; set; }

    [JsonPropertyName("destinationsDesired")]
    public int? DestinationsDesired { get; set; }
}
