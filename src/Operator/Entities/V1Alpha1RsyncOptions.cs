using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary><c>spec.rsync</c>: how the sources run rsync.</summary>
public sealed class V1Alpha1RsyncOptions
{
    [JsonPropertyName("delete")]
    public bool? Delete { get; set; }

    [JsonPropertyName("checksum")]
    public bool? Checksum { get; set; }

    [JsonPropertyName("hardLinks")]
    public bool? HardLinks { get; set; }

    [JsonPropertyName("inplace")]
    public bool? Inplace { get; set; }

    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; set; }

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    [JsonPropertyName("excludeRegex")]
    public string? ExcludeRegex { get; set; }

    [JsonPropertyName("excludeOwner")]
    public string? ExcludeOwner { get; set; }

    [JsonPropertyName("batch")]
    public int? Batch { get; set; }

    [JsonPropertyName("filesFrom")]
    public bool? FilesFrom { get; set; }

    [JsonPropertyName("extraArgs")]
    public IList<string>? ExtraArgs { get; set; }
}
