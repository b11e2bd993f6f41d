namespace ZkSync.LocalCluster.Kubelet;

/// <summary>An event the kubelet records while it prepares a pod (<c>Pulling</c>, <c>Failed</c>, <c>FailedMount</c>).</summary>
internal sealed record PodProblem(string Type, string Reason, string Message, string? FieldPath);
