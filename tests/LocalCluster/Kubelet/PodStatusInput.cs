using System.Net;
using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>What the kubelet knows of a pod when it writes its status.</summary>
internal sealed record PodStatusInput
{
    public required V1Pod Pod { get; init; }

    /// <summary>The runtime's container statuses, or null while the pod's sandbox does not run yet.</summary>
    public IReadOnlyList<V1ContainerStatus>? InitContainerStatuses { get; init; }

    public IReadOnlyList<V1ContainerStatus>? ContainerStatuses { get; init; }

    /// <summary>Why containers that have not started wait (<c>ContainerCreating</c> unless named here), with a message.</summary>
    public IReadOnlyDictionary<string, (string Reason, string? Message)> Waiting { get; init; } =
        new Dictionary<string, (string Reason, string? Message)>();

    /// <summary>The sandbox runs (PodReadyToStartContainers).</summary>
    public bool SandboxReady { get; init; }

    /// <summary>Every container ended for good or was stopped: the pod's phase is final.</summary>
    public bool Terminal { get; init; }

    /// <summary>A pod-level reason and message (<c>DeadlineExceeded</c>); the pod then fails.</summary>
    public (string Reason, string Message)? Failure { get; init; }

    public required string HostIP { get; init; }

    public IPAddress? PodIP { get; init; }

    public required DateTimeOffset StartTime { get; init; }
}
