using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary>A subtree walked deeper than <c>spec.depth</c> (zkrsync's <c>--rsubpaths &lt;depth&gt;_&lt;path&gt;</c>).</summary>
public sealed class V1Alpha1SubPath
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = string.Empty;

    [JsonPropertyName("depth")]
    public int Depth { get; set; }
}
