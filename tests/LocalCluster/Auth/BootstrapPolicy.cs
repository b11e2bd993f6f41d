using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// The bootstrap RBAC a new cluster has (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac/bootstrappolicy):
/// cluster-admin for system:masters, discovery, basic-user and public-info-viewer for everyone
/// authenticated (so any service account may read discovery and ask <c>can-i</c>), and the
/// aggregated admin/edit/view roles.
/// </summary>
public static class BootstrapPolicy
{
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];

    public static IReadOnlyList<JsonObject> ClusterAdminRules() =>
    [
        Rule(["*"], ["*"], ["*"]),
        NonResource(["*"], ["*"]),
    ];

    public static IReadOnlyList<JsonObject> ClusterRoles() =>
    [
        Role("cluster-admin", ClusterAdminRules()),
        Role("system:discovery", [NonResource(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"], ["get"])]),
        Role("system:basic-user",
        [
            Rule(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]),
            Rule(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"]),
        ]),
        Role("system:public-info-viewer", [NonResource(["/healthz", "/livez", "/readyz", "/version", "/version/"], ["get"])]),
        Aggregated("admin", "rbac.authorization.k8s.io/aggregate-to-admin"),
        Aggregated("edit", "rbac.authorization.k8s.io/aggregate-to-edit"),
        Aggregated("view", "rbac.authorization.k8s.io/aggregate-to-view"),
        Role("system:aggregate-to-admin",
        [
            Rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
            Rule(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], [.. ReadVerbs, .. WriteVerbs]),
        ], aggregateTo: "admin"),
        Role("system:aggregate-to-edit",
        [
            Rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], [.. WriteVerbs]),
            Rule([""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets",
                        "serviceaccounts", "services", "services/proxy", "endpoints"], [.. WriteVerbs]),
            Rule([""], ["serviceaccounts/token"], ["create"]),
            Rule(["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
                            "statefulsets", "statefulsets/scale"], [.. WriteVerbs]),
            Rule(["batch"], ["cronjobs", "jobs"], [.. WriteVerbs]),
            Rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], [.. WriteVerbs]),
            Rule(["policy"], ["poddisruptionbudgets"], [.. WriteVerbs]),
            Rule(["coordination.k8s.io"], ["leases"], [.. ReadVerbs, .. WriteVerbs]),
            Rule(["discovery.k8s.io"], ["endpointslices"], [.. WriteVerbs]),
            Rule([""], ["secrets"], ReadVerbs),
        ], aggregateTo: "edit"),
        Role("system:aggregate-to-view",
        [
            Rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                        "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"], ReadVerbs),
            Rule([""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status",
                        "resourcequotas", "resourcequotas/status"], ReadVerbs),
            Rule([""], ["namespaces"], ReadVerbs),
            Rule(["discovery.k8s.io"], ["endpointslices"], ReadVerbs),
            Rule(["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                            "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"], ReadVerbs),
            Rule(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], ReadVerbs),
            Rule(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], ReadVerbs),
            Rule(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], ReadVerbs),
        ], aggregateTo: "view"),
    ];

    public static IReadOnlyList<JsonObject> ClusterRoleBindings() =>
    [
        Binding("cluster-admin", "cluster-admin", [Group(UserInfo.MastersGroup)]),
        Binding("system:discovery", "system:discovery", [Group(UserInfo.AuthenticatedGroup)]),
        Binding("system:basic-user", "system:basic-user", [Group(UserInfo.AuthenticatedGroup)]),
        Binding("system:public-info-viewer", "system:public-info-viewer", [Group(UserInfo.AuthenticatedGroup), Group("system:unauthenticated")]),
    ];

    private static JsonObject Rule(string[] groups, string[] resources, string[] verbs) => new()
    {
        ["apiGroups"] = Array(groups),
        ["resources"] = Array(resources),
        ["verbs"] = Array(verbs),
    };

    private static JsonObject NonResource(string[] urls, string[] verbs) => new()
    {
        ["nonResourceURLs"] = Array(urls),
        ["verbs"] = Array(verbs),
    };

    private static JsonObject Role(string name, IReadOnlyList<JsonObject> rules, string? aggregateTo = null)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregateTo is not null)
        {
            labels[$"rbac.authorization.k8s.io/aggregate-to-{aggregateTo}"] = "true";
        }

        return new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
            },
            ["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r.DeepClone()).ToArray()),
        };
    }

    private static JsonObject Aggregated(string name, string label)
    {
        var role = Role(name, []);
        role["aggregationRule"] = new JsonObject
        {
            ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { [label] = "true" } }),
        };
        return role;
    }

    private static JsonObject Binding(string name, string role, JsonObject[] subjects) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "ClusterRoleBinding",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
            ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
        },
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
        ["subjects"] = new JsonArray(subjects.Select(s => (JsonNode?)s).ToArray()),
    };

    private static JsonObject Group(string name) => new() { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = name };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
