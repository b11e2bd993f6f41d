using System.Text.Json.Serialization;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.destination</c>: a claim or an inline volume source, mounted read-write.</summary>
public sealed class V1Alpha1DestinationVolume
{
    [JsonPropertyName("claimName")]
    public string? ClaimName { get; set; }

    /// <summary>An inline volume source (its <c>name</c> is ignored: the operator names the pod's volumes).</summary>
    [JsonPropertyName("volume")]
    public V1Volume? Volume { get; set; }

    [JsonPropertyName("subPath")]
    public string? SubPath { get; set; }
}
