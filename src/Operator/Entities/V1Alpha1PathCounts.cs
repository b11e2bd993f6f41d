using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>status.paths</c>: queue entries (directories) of the current pass.</summary>
public sealed record V1Alpha1PathCounts
{
    [JsonPropertyName("total")]
    public long? Total { get; set; }

    [JsonPropertyName("completed")]
    public long? Completed { get; set; }

    [JsonPropertyName("failed")]
    public long? Failed { get; set; }

    [JsonPropertyName("remaining")]
    public long? Remaining { get; set; }
}
