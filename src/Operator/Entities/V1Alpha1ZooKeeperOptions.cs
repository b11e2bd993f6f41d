using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.zookeeper</c>: the ensemble and the workers' credentials.</summary>
public sealed class V1Alpha1ZooKeeperOptions
{
    [JsonPropertyName("servers")]
    public string? Servers { get; set; }

    [JsonPropertyName("credentialsSecretRef")]
    public V1Alpha1SecretReference? CredentialsSecretRef { get; set; }
}
