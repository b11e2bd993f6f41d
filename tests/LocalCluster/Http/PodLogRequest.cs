namespace ZkSync.LocalCluster.Http;

/// <summary>The query of a <c>pods/log</c> request (PodLogOptions).</summary>
public sealed record PodLogRequest(bool Follow, bool Previous, long? TailLines, long? SinceSeconds, bool Timestamps, long? LimitBytes);
