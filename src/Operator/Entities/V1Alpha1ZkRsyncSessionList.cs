using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary>A list of <see cref="V1Alpha1ZkRsyncSession"/>, as the API server returns it.</summary>
public sealed class V1Alpha1ZkRsyncSessionList : IKubernetesObject<V1ListMeta>, IItems<V1Alpha1ZkRsyncSession>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ZkRsyncSessionResource.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = ZkRsyncSessionResource.ListKind;

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<V1Alpha1ZkRsyncSession> Items { get; set; } = [];
}
