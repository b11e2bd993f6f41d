using System.Text.Json.Serialization;

namespace ZkSync.Operator.Entities;

/// <summary>What to sync, how, and when (the CRD's <c>spec</c>).</summary>
public sealed class V1Alpha1ZkRsyncSessionSpec
{
    public const int DefaultSources = 4;
    public const int DefaultDepth = 3;
    public const int DefaultProgressIntervalSeconds = 5;
    public const int DefaultBackoffLimit = 6;

    [JsonPropertyName("source")]
    public V1Alpha1SourceVolume Source { get; set; } = new();

    [JsonPropertyName("destination")]
    public V1Alpha1DestinationVolume Destination { get; set; } = new();

    [JsonPropertyName("sources")]
    public int? Sources { get; set; }

    [JsonPropertyName("destinations")]
    public int? Destinations { get; set; }

    [JsonPropertyName("depth")]
    public int? Depth { get; set; }

    [JsonPropertyName("subPaths")]
    public IList<V1Alpha1SubPath>? SubPaths { get; set; }

    [JsonPropertyName("progressIntervalSeconds")]
    public int? ProgressIntervalSeconds { get; set; }

    [JsonPropertyName("rsync")]
    public V1Alpha1RsyncOptions? Rsync { get; set; }

    [JsonPropertyName("zookeeper")]
    public V1Alpha1ZooKeeperOptions? ZooKeeper { get; set; }

    [JsonPropertyName("trigger")]
    public V1Alpha1Trigger? Trigger { get; set; }

    [JsonPropertyName("suspend")]
    public bool? Suspend { get; set; }

    [JsonPropertyName("backoffLimit")]
    public int? BackoffLimit { get; set; }

    [JsonPropertyName("ttlSecondsAfterFinished")]
    public int? TtlSecondsAfterFinished { get; set; }

    [JsonPropertyName("workers")]
    public V1Alpha1WorkerOptions? Workers { get; set; }

    /// <summary>Source workers, defaults applied (the API server applies the CRD's too).</summary>
    [JsonIgnore]
    public int SourceCount => Sources ?? DefaultSources;

    /// <summary>Destination workers: as many as sources when omitted.</summary>
    [JsonIgnore]
    public int DestinationCount => Destinations ?? SourceCount;

    [JsonIgnore]
    public int DepthOrDefault => Depth ?? DefaultDepth;

    [JsonIgnore]
    public int ProgressIntervalOrDefault => ProgressIntervalSeconds ?? DefaultProgressIntervalSeconds;

    [JsonIgnore]
    public bool IsSuspended => Suspend == true;
}
