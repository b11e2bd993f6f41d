using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary>A path that failed every attempt, with rsync's last error.</summary>
public sealed record V1Alpha1FailedPath
{
    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }
}
