using System.Globalization;
using k8s.Models;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// The NetworkPolicy a session owns when the operator runs with network policies on: it selects the session's worker
/// pods (every pass) and lets the destinations' rsync daemons be reached only by the session's sources, and the
/// workers reach only those daemons, ZooKeeper's client ports (from the session's servers) and DNS (the configured
/// ports, UDP and TCP). Ingress to the master and sources is closed (they serve nothing).
/// </summary>
public static class SessionNetworkPolicyBuilder
{
    /// <summary>The rsync daemons' ports: a destination binds the first free one from zkrsync's start port (its own pod
    /// network, so the first nearly always); a few more cover a port another container of the pod holds.</summary>
    public const int RsyncPortCount = 16;

    public const int DefaultZooKeeperPort = 2181;

    public static string Name(string session) => session + "-zkrsync";

    public static V1NetworkPolicy Build(V1Alpha1ZkRsyncSession session, string servers, IReadOnlyList<int> dnsPorts)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(servers);
        ArgumentNullException.ThrowIfNull(dnsPorts);
        var meta = session.Metadata;
        var rsync = new V1NetworkPolicyPort
        {
            Protocol = "TCP",
            Port = ZnodeLayout.DefaultStartPort,
            EndPort = ZnodeLayout.DefaultStartPort + RsyncPortCount - 1,
        };
        return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta
            {
                Name = Name(meta.Name),
                NamespaceProperty = meta.NamespaceProperty,
                Labels = SessionNames.SecretLabels(meta.Name),
                OwnerReferences = [WorkerJobBuilder.OwnerReference(session)],
            },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = Selector(meta.Name, role: null),
                PolicyTypes = ["Ingress", "Egress"],
                Ingress =
                [
                    new V1NetworkPolicyIngressRule
                    {
                        // Only the daemons' ports, only from the session's sources: nothing else listens in a worker pod.
                        FromProperty = [new V1NetworkPolicyPeer { PodSelector = Selector(meta.Name, WorkerRole.Sources) }],
                        Ports = [rsync],
                    },
                ],
                Egress =
                [
                    new V1NetworkPolicyEgressRule
                    {
                        To = [new V1NetworkPolicyPeer { PodSelector = Selector(meta.Name, WorkerRole.Destinations) }],
                        Ports = [rsync],
                    },
                    new V1NetworkPolicyEgressRule
                    {
                        Ports = [.. ZooKeeperPorts(servers).Select(p => new V1NetworkPolicyPort { Protocol = "TCP", Port = p })],
                    },
                    new V1NetworkPolicyEgressRule
                    {
                        Ports = [.. dnsPorts.Distinct().SelectMany(p => new[]
                        {
                            new V1NetworkPolicyPort { Protocol = "UDP", Port = p },
                            new V1NetworkPolicyPort { Protocol = "TCP", Port = p },
                        })],
                    },
                ],
            },
        };
    }

    /// <summary>The distinct client ports of <c>host:port,host:port[/chroot]</c> (2181 where a host names none).</summary>
    public static IReadOnlyList<int> ZooKeeperPorts(string servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var slash = servers.IndexOf('/', StringComparison.Ordinal);
        var hosts = slash < 0 ? servers : servers[..slash];
        return [.. hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(PortOf).Distinct().Order()];
    }

    private static int PortOf(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        var bracket = hostPort.LastIndexOf(']');
        return colon > bracket && int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : DefaultZooKeeperPort;
    }

    private static V1LabelSelector Selector(string session, WorkerRole? role)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SessionNames.LabelManagedBy] = SessionNames.ManagedBy,
            [SessionNames.LabelSession] = session,
        };
        if (role is { } r)
        {
            labels[SessionNames.LabelRole] = SessionNames.RoleLabel(r);
        }

        return new V1LabelSelector { MatchLabels = labels };
    }
}
