using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.trigger</c>: when passes run (with neither field, one pass).</summary>
public sealed class V1Alpha1Trigger
{
    [JsonPropertyName("manual")]
    public string? Manual { get; set; }

    [JsonPropertyName("schedule")]
    public string? Schedule { get; set; }
}
