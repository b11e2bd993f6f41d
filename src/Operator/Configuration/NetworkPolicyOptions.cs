namespace ZkSync.Operator.Configuration;

/// <summary>Whether each session gets a NetworkPolicy of its own (the chart's <c>networkPolicy.enabled</c>), and what it
/// lets the workers reach besides ZooKeeper and each other.</summary>
public sealed class NetworkPolicyOptions
{
    /// <summary>Kubernetes' usual cluster DNS port.</summary>
    public const int DefaultDnsPort = 53;

    /// <summary>True: the operator creates one NetworkPolicy per session, owned by it, that limits its worker pods.</summary>
    public bool Enabled { get; set; }

    /// <summary>Where worker pods resolve names, UDP and TCP (the chart's <c>networkPolicy.dns.ports</c>); empty, 53.
    /// Null by default: the configuration binder adds to a list it finds, so a default here could not be replaced.</summary>
    public List<int>? DnsPorts { get; set; }

    public IReadOnlyList<int> DnsPortsOrDefault => DnsPorts is { Count: > 0 } ports ? ports : [DefaultDnsPort];
}
