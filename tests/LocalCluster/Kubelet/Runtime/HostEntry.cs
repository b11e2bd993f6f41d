using System.Net;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>One line of a pod's <c>/etc/hosts</c>: an address and the names that resolve to it.</summary>
public sealed record HostEntry(IPAddress Address, IReadOnlyList<string> Names);
