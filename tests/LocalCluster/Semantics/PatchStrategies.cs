using k8s.Models;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The strategic-merge-patch metadata of the built-in kinds the local server serves, keyed by KubernetesClient model
/// type and JSON field. Written from the patchStrategy/patchMergeKey struct tags of k8s.io/api and
/// k8s.io/apimachinery v0.32.4 (the same facts Kubernetes 1.32's OpenAPI publishes as x-kubernetes-patch-strategy and
/// x-kubernetes-patch-merge-key). Every field not listed is merged if it is an object and replaced if it is a list.
/// </summary>
internal static class PatchStrategies
{
    private static readonly Dictionary<(Type Model, string Field), PatchMeta> Table = new()
    {
        // apimachinery pkg/apis/meta/v1/types.go
        [(typeof(V1ObjectMeta), "ownerReferences")] = Merge("uid"),
        [(typeof(V1ObjectMeta), "finalizers")] = Merge(""),

        // api core/v1/types.go
        [(typeof(V1PodSpec), "volumes")] = MergeRetainingKeys("name"),
        [(typeof(V1PodSpec), "initContainers")] = Merge("name"),
        [(typeof(V1PodSpec), "containers")] = Merge("name"),
        [(typeof(V1PodSpec), "ephemeralContainers")] = Merge("name"),
        [(typeof(V1PodSpec), "imagePullSecrets")] = Merge("name"),
        [(typeof(V1PodSpec), "hostAliases")] = Merge("ip"),
        [(typeof(V1PodSpec), "topologySpreadConstraints")] = Merge("topologyKey"),
        [(typeof(V1PodSpec), "schedulingGates")] = Merge("name"),
        [(typeof(V1PodSpec), "resourceClaims")] = MergeRetainingKeys("name"),
        [(typeof(V1Container), "ports")] = Merge("containerPort"),
        [(typeof(V1Container), "env")] = Merge("name"),
        [(typeof(V1Container), "volumeMounts")] = Merge("mountPath"),
        [(typeof(V1Container), "volumeDevices")] = Merge("devicePath"),
        [(typeof(V1EphemeralContainer), "ports")] = Merge("containerPort"),
        [(typeof(V1EphemeralContainer), "env")] = Merge("name"),
        [(typeof(V1EphemeralContainer), "volumeMounts")] = Merge("mountPath"),
        [(typeof(V1EphemeralContainer), "volumeDevices")] = Merge("devicePath"),
        [(typeof(V1ContainerStatus), "volumeMounts")] = Merge("mountPath"),
        [(typeof(V1ContainerStatus), "allocatedResourcesStatus")] = Merge("name"),
        [(typeof(V1PodStatus), "conditions")] = Merge("type"),
        [(typeof(V1PodStatus), "hostIPs")] = Merge("ip"),
        [(typeof(V1PodStatus), "podIPs")] = Merge("ip"),
        [(typeof(V1PodStatus), "resourceClaimStatuses")] = MergeRetainingKeys("name"),
        [(typeof(V1PersistentVolumeClaimStatus), "conditions")] = Merge("type"),
        [(typeof(V1ServiceSpec), "ports")] = Merge("port"),
        [(typeof(V1ServiceStatus), "conditions")] = Merge("type"),
        [(typeof(V1ServiceAccount), "secrets")] = Merge("name"),
        [(typeof(V1NodeSpec), "podCIDRs")] = Merge(""),
        [(typeof(V1NodeStatus), "conditions")] = Merge("type"),
        [(typeof(V1NodeStatus), "addresses")] = Merge("type"),
        [(typeof(V1NamespaceStatus), "conditions")] = Merge("type"),

        // api apps/v1/types.go
        [(typeof(V1DeploymentSpec), "strategy")] = new(["retainKeys"], ""),
        [(typeof(V1DeploymentStatus), "conditions")] = Merge("type"),
        [(typeof(V1ReplicaSetStatus), "conditions")] = Merge("type"),
        [(typeof(V1StatefulSetStatus), "conditions")] = Merge("type"),

        // api batch/v1/types.go
        [(typeof(V1JobStatus), "conditions")] = Merge("type"),

        // api policy/v1/types.go
        [(typeof(V1PodDisruptionBudgetSpec), "selector")] = new(["replace"], ""),
        [(typeof(V1PodDisruptionBudgetStatus), "conditions")] = Merge("type"),
    };

    /// <summary>The metadata of <paramref name="field"/> of <paramref name="model"/> (none when the table has nothing).</summary>
    public static PatchMeta For(Type? model, string field) =>
        model is not null && Table.TryGetValue((model, field), out var meta) ? meta : PatchMeta.None;

    private static PatchMeta Merge(string mergeKey) => new(["merge"], mergeKey);

    private static PatchMeta MergeRetainingKeys(string mergeKey) => new(["merge", "retainKeys"], mergeKey);
}
