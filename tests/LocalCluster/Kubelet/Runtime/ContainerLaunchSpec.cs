using System.Text.Json;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What the container helper (<see cref="SandboxScripts.ContainerHelper"/>) reads on stdin to start one
/// container instance.</summary>
internal sealed record ContainerLaunchSpec
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Host PID of the pod's first process, whose namespaces the container enters.</summary>
    public required int PodPid { get; init; }

    public required bool SharePid { get; init; }

    /// <summary>An empty host directory the helper mounts the container's scratch tmpfs on (in the container's
    /// mount namespace only).</summary>
    public required string Stage { get; init; }

    /// <summary>Where the helper writes why the container could not start.</summary>
    public required string ErrorFile { get; init; }

    public required IReadOnlyList<HostMountLayer> HostMounts { get; init; }

    public required IReadOnlyList<ContainerMount> Mounts { get; init; }

    public required bool ReadOnlyRoot { get; init; }

    public required string WorkingDir { get; init; }

    public required long Uid { get; init; }

    public required long Gid { get; init; }

    public required IReadOnlyList<long> Groups { get; init; }

    public required bool NoNewPrivileges { get; init; }

    public required string Executable { get; init; }

    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary><c>NAME=VALUE</c> pairs, one per name.</summary>
    public required IReadOnlyList<string> Env { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);
}
