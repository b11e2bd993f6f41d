namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>How a container instance ended: its exit code (128+n for signal n), or why it never started.</summary>
internal sealed record ContainerExit(int ExitCode, string? StartError, DateTimeOffset FinishedAt);
