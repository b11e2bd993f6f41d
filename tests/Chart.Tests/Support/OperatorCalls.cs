namespace ZkSync.Chart.Tests.Support;

/// <summary>
/// Every API call the operator makes (src/Operator: Controller/KubernetesSessionCluster.cs, Runtime/KubernetesResourceClients.cs,
/// Runtime/LeaderElectionLoop.cs through KubernetesClient's LeaseLock), as RBAC names it. The chart's RBAC must grant
/// exactly these; the end-to-end tests prove the operator runs with them.
/// </summary>
public static class OperatorCalls
{
    /// <summary>In every namespace whose sessions the operator reconciles.</summary>
    public static IReadOnlySet<(string Group, string Resource, string Verb)> SessionNamespace { get; } = new HashSet<(string, string, string)>
    {
        ("zksync.io", "zkrsyncsessions", "get"),
        ("zksync.io", "zkrsyncsessions", "list"),
        ("zksync.io", "zkrsyncsessions", "watch"),
        ("zksync.io", "zkrsyncsessions", "patch"),
        ("zksync.io", "zkrsyncsessions/status", "patch"),
        // Owner references with blockOwnerDeletion on clusters enforcing OwnerReferencesPermissionEnforcement.
        ("zksync.io", "zkrsyncsessions/finalizers", "update"),
        ("batch", "jobs", "list"),
        ("batch", "jobs", "watch"),
        ("batch", "jobs", "create"),
        ("batch", "jobs", "patch"),
        ("batch", "jobs", "delete"),
        ("", "pods", "list"),
        ("", "pods", "watch"),
        ("", "secrets", "get"),
        ("", "secrets", "create"),
        ("", "persistentvolumeclaims", "get"),
        ("", "events", "create"),
        ("", "events", "list"),
    };

    /// <summary>Besides <see cref="SessionNamespace"/> with <c>networkPolicy.enabled</c>: each session's NetworkPolicy.</summary>
    public static IReadOnlySet<(string Group, string Resource, string Verb)> SessionNetworkPolicies { get; } = new HashSet<(string, string, string)>
    {
        ("networking.k8s.io", "networkpolicies", "create"),
    };

    /// <summary>In the release namespace, on the leader Lease (create cannot name it: the object does not exist yet).</summary>
    public static IReadOnlySet<(string Group, string Resource, string Verb)> LeaseByName { get; } = new HashSet<(string, string, string)>
    {
        ("coordination.k8s.io", "leases", "get"),
        ("coordination.k8s.io", "leases", "update"),
    };

    public static IReadOnlySet<(string Group, string Resource, string Verb)> LeaseCreate { get; } = new HashSet<(string, string, string)>
    {
        ("coordination.k8s.io", "leases", "create"),
    };
}
