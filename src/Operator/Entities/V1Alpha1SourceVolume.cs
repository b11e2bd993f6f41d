using System.Text.Json.Serialization;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.source</c>: a claim or an inline volume source, mounted read-only unless <see cref="ReadOnly"/> is false.</summary>
public sealed class V1Alpha1SourceVolume
{
    [JsonPropertyName("claimName")]
    public string? ClaimName { get; set; }

    /// <summary>An inline volume source (its <c>name</c> is ignored: the operator names the pod's volumes).</summary>
    [JsonPropertyName("volume")]
    public V1Volume? Volume { get; set; }

    [JsonPropertyName("subPath")]
    public string? SubPath { get; set; }

    [JsonPropertyName("readOnly")]
    public bool? ReadOnly { get; set; }

    [JsonIgnore]
    public bool IsReadOnly => ReadOnly != false;
}
