using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Rbac;

/// <summary>
/// Every API verb and resource the operator calls, in one place: the chart grants exactly these (a ClusterRole for
/// <see cref="PermissionScope.WatchedNamespaces"/>, a Role in the operator's namespace for the Lease), and the
/// controller tests run the operator as a service account bound to exactly these rules, recording each request
/// it makes and checking that every one is covered. Discovery (<c>GET /apis</c>, the CRD check) needs no rule:
/// every authenticated user may read it (<c>system:discovery</c>).
/// </summary>
public static class OperatorPermissions
{
    public static IReadOnlyList<ApiPermission> All { get; } =
    [
        new(PermissionScope.WatchedNamespaces, ZkRsyncSessionResource.Group, ZkRsyncSessionResource.Plural, ["get", "list", "watch", "patch"],
            "the watch cache; the finalizer added and removed with a merge patch, re-read after a 409"),
        new(PermissionScope.WatchedNamespaces, ZkRsyncSessionResource.Group, ZkRsyncSessionResource.Plural + "/status", ["patch"],
            "the status, written with a merge patch to the status subresource"),
        new(PermissionScope.WatchedNamespaces, ZkRsyncSessionResource.Group, ZkRsyncSessionResource.Plural + "/finalizers", ["update"],
            "owner references with blockOwnerDeletion on the Jobs and the Secret (clusters with OwnerReferencesPermissionEnforcement check it)"),
        new(PermissionScope.WatchedNamespaces, "batch", "jobs", ["list", "watch", "create", "patch", "delete"],
            "the pass's Jobs: watched, created, suspended and resumed with a merge patch, deleted for the next pass and on cleanup"),
        new(PermissionScope.WatchedNamespaces, "", "pods", ["list", "watch"],
            "the workers' pods (watched by label), and the pods that use a ReadWriteOnce claim (listed to find its node)"),
        new(PermissionScope.WatchedNamespaces, "", "secrets", ["get", "create"],
            "the session's Secret (rsync secret, ZooKeeper credentials) created once, the credentials read, also from credentialsSecretRef"),
        new(PermissionScope.WatchedNamespaces, "networking.k8s.io", "networkpolicies", ["create"],
            "each session's NetworkPolicy (networkPolicy.enabled), created once; owned by the session, so the garbage collector removes it"),
        new(PermissionScope.WatchedNamespaces, "", "persistentvolumeclaims", ["get"],
            "the source and destination claims: existence and access modes"),
        new(PermissionScope.WatchedNamespaces, "", "events", ["create", "list"],
            "Events on the sessions; the Jobs' FailedCreate warnings (pods refused by a quota or pod security)"),
        new(PermissionScope.OperatorNamespace, "coordination.k8s.io", "leases", ["get", "create", "update"],
            "leader election (KubernetesClient's LeaseLock reads, creates and renews the Lease with a PUT)"),
    ];

    /// <summary>Whether a rule of <paramref name="scope"/> grants <paramref name="verb"/> on <paramref name="resource"/>
    /// (<c>resource</c> or <c>resource/subresource</c>) of <paramref name="apiGroup"/>.</summary>
    public static bool Allows(PermissionScope scope, string verb, string apiGroup, string resource) =>
        All.Any(p => p.Scope == scope && p.Allows(verb, apiGroup, resource));
}
