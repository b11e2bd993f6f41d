using System.Net;
using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime.Probes;

/// <summary>The running container instance a probe checks.</summary>
/// <param name="HostPid">Host PID of the instance's first process (exec probes enter its namespaces).</param>
/// <param name="Environment"><c>NAME=VALUE</c> pairs: exec probes run with the container's environment.</param>
internal sealed record ProbeTarget(
    IPAddress PodIP,
    IReadOnlyList<V1ContainerPort> Ports,
    int HostPid,
    ProcessIdentity Identity,
    bool NoNewPrivileges,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? ImageDirectory,
    ImageConfig ImageConfig,
    string WorkingDir);
