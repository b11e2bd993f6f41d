using k8s.Models;

namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// The built-in kinds the server serves, with the names, short names, categories, subresources and
/// verbs a 1.32 cluster's discovery lists for them.
/// </summary>
public static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Core("namespaces", "namespace", "Namespace", typeof(V1Namespace), namespaced: false, shortNames: ["ns"], subresources: ["status", "finalize"]),
        Core("secrets", "secret", "Secret", typeof(V1Secret)),
        Core("configmaps", "configmap", "ConfigMap", typeof(V1ConfigMap), shortNames: ["cm"]),
        Core("serviceaccounts", "serviceaccount", "ServiceAccount", typeof(V1ServiceAccount), shortNames: ["sa"], subresources: ["token"], deleteReturnsObject: true),
        Core("services", "service", "Service", typeof(V1Service), shortNames: ["svc"], categories: ["all"], subresources: ["status"], deleteReturnsObject: true),
        Core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", typeof(V1PersistentVolumeClaim), shortNames: ["pvc"], subresources: ["status"], deleteReturnsObject: true),
        Core("persistentvolumes", "persistentvolume", "PersistentVolume", typeof(V1PersistentVolume), namespaced: false, shortNames: ["pv"], subresources: ["status"], deleteReturnsObject: true),
        Core("nodes", "node", "Node", typeof(V1Node), namespaced: false, shortNames: ["no"], subresources: ["status"]),
        Core("pods", "pod", "Pod", typeof(V1Pod), shortNames: ["po"], categories: ["all"], subresources: ["status", "log", "binding", "eviction"], deleteReturnsObject: true),
        Core("events", "event", "Event", typeof(Corev1Event), shortNames: ["ev"]),
        Core("endpoints", "endpoints", "Endpoints", typeof(V1Endpoints), shortNames: ["ep"]),
        Grouped("apps", "deployments", "deployment", "Deployment", typeof(V1Deployment), shortNames: ["deploy"], categories: ["all"], subresources: ["status", "scale"], generation: true),
        Grouped("apps", "replicasets", "replicaset", "ReplicaSet", typeof(V1ReplicaSet), shortNames: ["rs"], categories: ["all"], subresources: ["status", "scale"], generation: true),
        Grouped("apps", "statefulsets", "statefulset", "StatefulSet", typeof(V1StatefulSet), shortNames: ["sts"], categories: ["all"], subresources: ["status", "scale"], generation: true),
        Grouped("batch", "jobs", "job", "Job", typeof(V1Job), categories: ["all"], subresources: ["status"], generation: true),
        Grouped("coordination.k8s.io", "leases", "lease", "Lease", typeof(V1Lease)),
        Grouped("discovery.k8s.io", "endpointslices", "endpointslice", "EndpointSlice", typeof(V1EndpointSlice)),
        Grouped("rbac.authorization.k8s.io", "roles", "role", "Role", typeof(V1Role)),
        Grouped("rbac.authorization.k8s.io", "rolebindings", "rolebinding", "RoleBinding", typeof(V1RoleBinding)),
        Grouped("rbac.authorization.k8s.io", "clusterroles", "clusterrole", "ClusterRole", typeof(V1ClusterRole), namespaced: false),
        Grouped("rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", typeof(V1ClusterRoleBinding), namespaced: false),
        Grouped("networking.k8s.io", "networkpolicies", "networkpolicy", "NetworkPolicy", typeof(V1NetworkPolicy), shortNames: ["netpol"], generation: true),
        Grouped("policy", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", typeof(V1PodDisruptionBudget), shortNames: ["pdb"], subresources: ["status"], generation: true),
        Grouped("storage.k8s.io", "storageclasses", "storageclass", "StorageClass", typeof(V1StorageClass), namespaced: false, shortNames: ["sc"]),
        Grouped("apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", typeof(V1CustomResourceDefinition),
            namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"], subresources: ["status"], generation: true),
        Review("authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", typeof(V1SelfSubjectAccessReview), namespaced: false),
        Review("authorization.k8s.io", "selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview", typeof(V1SelfSubjectRulesReview), namespaced: false),
        Review("authorization.k8s.io", "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", typeof(V1SubjectAccessReview), namespaced: false),
        Review("authorization.k8s.io", "localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview", typeof(V1LocalSubjectAccessReview), namespaced: true),
        Review("authentication.k8s.io", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", typeof(V1SelfSubjectReview), namespaced: false),
        Review("authentication.k8s.io", "tokenreviews", "tokenreview", "TokenReview", typeof(V1TokenReview), namespaced: false),
    ];

    /// <summary>The groups in the order a real server lists them in <c>/apis</c>.</summary>
    public static IReadOnlyList<string> GroupOrder { get; } =
    [
        "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling",
        "batch", "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io",
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
        "discovery.k8s.io", "flowcontrol.apiserver.k8s.io",
    ];

    private static ResourceType Core(
        string plural, string singular, string kind, Type model, bool namespaced = true, string[]? shortNames = null,
        string[]? categories = null, string[]? subresources = null, bool deleteReturnsObject = false) =>
        Grouped("", plural, singular, kind, model, namespaced, shortNames, categories, subresources, generation: false, deleteReturnsObject);

    private static ResourceType Grouped(
        string group, string plural, string singular, string kind, Type model, bool namespaced = true, string[]? shortNames = null,
        string[]? categories = null, string[]? subresources = null, bool generation = false, bool deleteReturnsObject = false) =>
        new()
        {
            Group = group,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames ?? [],
            Categories = categories ?? [],
            Subresources = new HashSet<string>(subresources ?? []),
            TracksGeneration = generation,
            DeleteReturnsObject = deleteReturnsObject,
            ModelType = model,
        };

    private static ResourceType Review(string group, string plural, string singular, string kind, Type model, bool namespaced) =>
        new()
        {
            Group = group,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            Verbs = ResourceType.CreateOnlyVerbs,
            ModelType = model,
        };
}
