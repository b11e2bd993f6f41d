using System.Net;
using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A pod, resolved by the kubelet into what the process runtime needs: identity, address, names, volumes
/// backed by host paths or files, containers with final argument vectors and environments. Pods share the
/// host's network: each has its own 127.0.0.x address (<see cref="PodIP"/>), which its processes must bind
/// (a port bound on 0.0.0.0 collides between pods as it would with <c>hostNetwork</c>).
/// </summary>
public sealed record PodSandboxSpec
{
    public required string Uid { get; init; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public required IPAddress PodIP { get; init; }

    /// <summary>The pod's hostname (<c>spec.hostname</c>, else its name truncated to 63 characters).</summary>
    public string? Hostname { get; init; }

    /// <summary><c>spec.subdomain</c>: with it the pod's own /etc/hosts line carries its FQDN.</summary>
    public string? Subdomain { get; init; }

    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary><c>spec.hostAliases</c>.</summary>
    public IReadOnlyList<HostEntry> HostAliases { get; init; } = [];

    /// <summary>Names the local kubelet resolves through /etc/hosts (Services, headless pods); see
    /// <see cref="PodSandbox.UpdateNameEntriesAsync"/>.</summary>
    public IReadOnlyList<HostEntry> NameEntries { get; init; } = [];

    public IReadOnlyList<SandboxVolume> Volumes { get; init; } = [];

    public IReadOnlyList<ContainerSpec> InitContainers { get; init; } = [];

    public required IReadOnlyList<ContainerSpec> Containers { get; init; }

    public PodRestartPolicy RestartPolicy { get; init; } = PodRestartPolicy.Always;

    /// <summary><c>terminationGracePeriodSeconds</c>: how long a container has between SIGTERM and SIGKILL.</summary>
    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>shareProcessNamespace</c>: the containers share the pod's PID namespace instead of each having
    /// its own below it.</summary>
    public bool ShareProcessNamespace { get; init; }

    public V1PodSecurityContext? SecurityContext { get; init; }

    /// <summary>The hostname the pod's processes see.</summary>
    public string EffectiveHostname => Hostname ?? (Name.Length > 63 ? Name[..63].TrimEnd('-', '.') : Name);

    /// <summary>The pod as the kubelet names it in messages: <c>name_namespace(uid)</c>.</summary>
    public string Format() => $"{Name}_{Namespace}({Uid})";
}
