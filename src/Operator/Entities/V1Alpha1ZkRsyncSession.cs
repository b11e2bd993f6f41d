using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary>A <c>zksync.io/v1alpha1</c> ZkRsyncSession: a parallel rsync of one volume into another.</summary>
public sealed class V1Alpha1ZkRsyncSession :
    IKubernetesObject<V1ObjectMeta>, ISpec<V1Alpha1ZkRsyncSessionSpec>, IStatus<V1Alpha1ZkRsyncSessionStatus>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ZkRsyncSessionResource.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = ZkRsyncSessionResource.Kind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public V1Alpha1ZkRsyncSessionSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public V1Alpha1ZkRsyncSessionStatus Status { get; set; } = new();
}
