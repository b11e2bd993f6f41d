using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>One of a container's states (waiting, running, terminated) as the runtime tracks it.</summary>
internal sealed record ContainerStateSnapshot
{
    public required string Kind { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }

    public int ExitCode { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? ContainerId { get; init; }

    public static ContainerStateSnapshot Waiting(string reason, string? message = null) =>
        new() { Kind = "waiting", Reason = reason, Message = message };

    public static ContainerStateSnapshot Running(DateTimeOffset startedAt, string containerId) =>
        new() { Kind = "running", StartedAt = startedAt, ContainerId = containerId };

    public static ContainerStateSnapshot Terminated(
        int exitCode, string reason, string? message, DateTimeOffset? startedAt, DateTimeOffset finishedAt, string containerId) =>
        new()
        {
            Kind = "terminated", ExitCode = exitCode, Reason = reason, Message = message, StartedAt = startedAt,
            FinishedAt = finishedAt, ContainerId = containerId,
        };

    public bool IsTerminated => Kind == "terminated";

    public V1ContainerState ToV1() => Kind switch
    {
        "running" => new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = StartedAt?.UtcDateTime } },
        "terminated" => new V1ContainerState
        {
            Terminated = new V1ContainerStateTerminated
            {
                ExitCode = ExitCode,
                Reason = Reason,
                Message = Message,
                StartedAt = StartedAt?.UtcDateTime,
                FinishedAt = FinishedAt?.UtcDateTime,
                ContainerID = ContainerId,
            },
        },
        _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = Reason, Message = Message } },
    };
}
