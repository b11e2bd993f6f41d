using System.Text.Json.Serialization;
using k8s.Models;

namespace ZkSync.Operator.Entities;

/// <summary>
/// The CRD's <c>status</c>: derived from the pass's Jobs, pods and ZooKeeper while it runs, and its record once
/// they are gone. Written only with merge patches to the status subresource.
/// </summary>
public sealed class V1Alpha1ZkRsyncSessionStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>One of <see cref="SessionPhase"/>.</summary>
    [JsonPropertyName("phase")]
    public string? Phase { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("paths")]
    public V1Alpha1PathCounts? Paths { get; set; }

    [JsonPropertyName("files")]
    public V1Alpha1FileCounts? Files { get; set; }

    [JsonPropertyName("bytes")]
    public V1Alpha1ByteCounts? Bytes { get; set; }

    [JsonPropertyName("progressPercent")]
    public int? ProgressPercent { get; set; }

    [JsonPropertyName("throughputBytesPerSecond")]
    public long? ThroughputBytesPerSecond { get; set; }

    [JsonPropertyName("eta")]
    public string? Eta { get; set; }

    [JsonPropertyName("lastProgressTime")]
    public DateTime? LastProgressTime { get; set; }

    [JsonPropertyName("startTime")]
    public DateTime? StartTime { get; set; }

    [JsonPropertyName("completionTime")]
    public DateTime? CompletionTime { get; set; }

    [JsonPropertyName("workers")]
    public V1Alpha1WorkerCounts? Workers { get; set; }

    [JsonPropertyName("failedPaths")]
    public IList<V1Alpha1FailedPath>? FailedPaths { get; set; }

    [JsonPropertyName("zookeeperPath")]
    public string? ZookeeperPath { get; set; }

    [JsonPropertyName("pass")]
    public int? Pass { get; set; }

    [JsonPropertyName("lastManualSync")]
    public string? LastManualSync { get; set; }

    [JsonPropertyName("lastSyncTime")]
    public DateTime? LastSyncTime { get; set; }

    [JsonPropertyName("nextSyncTime")]
    public DateTime? NextSyncTime { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>How many failed paths the status lists.</summary>
    public const int MaxListedFailedPaths = 50;
}
