using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary>A Secret in the session's namespace.</summary>
public sealed class V1Alpha1SecretReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}
