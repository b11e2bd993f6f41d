using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>status.bytes</c>: bytes of the paths done so far (rsync --stats, summed).</summary>
public sealed record V1Alpha1ByteCounts
{
    [JsonPropertyName("total")]
    public long? Total { get; set; }

    [JsonPropertyName("transferred")]
    public long? Transferred { get; set; }
}
