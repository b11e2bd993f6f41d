using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.EndToEnd.Tests.Support;
using ZkSync.LocalCluster.Auth;

namespace ZkSync.EndToEnd.Tests;

/// <summary>
/// Scenario 10's second half: every permission the chart grants the operator is used. After every other scenario of the
/// collection has run (<see cref="RunLastInCollectionAttribute"/>), each (apiGroup, resource, verb) of each rule of the
/// Roles and ClusterRoles the release bound to the operator's ServiceAccount, read from the cluster as helm rendered
/// them, must have allowed some request of the operator's (the API server's <see cref="AuthorizationLog"/> names the
/// rule that allowed each request); a rule with resourceNames must have been used for each name. The converse (no
/// request needed more than the chart grants) is the 403 check every scenario ends with.
/// </summary>
[Collection(EndToEndCollection.Name)]
[RunLastInCollection]
public sealed class ChartPermissionUseTests(EndToEndCluster cluster, ITestOutputHelper output)
{
    /// <summary>Permissions the operator needs on some clusters or code paths that no scenario reaches, each with why it
    /// stays in the chart. An entry the chart no longer grants fails the test.</summary>
    private static readonly IReadOnlyList<UnexercisedPermission> Unexercised =
    [
        new("zksync.io", "zkrsyncsessions/finalizers", "update",
            "never requested: clusters running the OwnerReferencesPermissionEnforcement admission plugin (e.g. OpenShift) check it "
            + "when the operator creates Jobs and Secrets with blockOwnerDeletion owner references; the local cluster, like a default "
            + "kube-apiserver, does not run that plugin"),
        new("zksync.io", "zkrsyncsessions", "get",
            "read only after the finalizer's merge patch met 409 Conflict (the session changed between the watch event and the patch), "
            + "a race no scenario can bring about on purpose"),
    ];

    [Fact]
    public Task ChartRoles_AfterEveryScenario_EachPermissionWasUsedByTheOperator() => cluster.RunAsync(output, async () =>
    {
        // The check is about every scenario: each class of the collection must have run before it (the ordering, or a
        // --filter that left scenarios out, would otherwise pass for unused permissions).
        var notRun = typeof(ChartPermissionUseTests).Assembly.GetTypes()
            .Where(t => t != typeof(ChartPermissionUseTests) && t.GetCustomAttributesData().Any(a =>
                a.AttributeType == typeof(CollectionAttribute) && (string?)a.ConstructorArguments[0].Value == EndToEndCollection.Name))
            .Except(cluster.ScenarioClassesRun)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(notRun.Count == 0, "this check needs every scenario of the collection to have run before it; not run: " + string.Join(", ", notRun));

        var granted = await GrantedPermissionsAsync();
        Assert.True(granted.Count > 0, $"no Role or ClusterRole of release {EndToEndCluster.Release} is bound to {EndToEndCluster.OperatorAccount}");
        var requests = cluster.Cluster.ApiServer.Authorizations.Snapshot(EndToEndCluster.OperatorAccount);
        var refused = requests.Where(r => !r.Request.Allowed).Select(r => Describe(r.Request.Request)).ToList();
        Assert.True(refused.Count == 0, "the API server refused the operator:\n" + string.Join('\n', refused));

        // One line per permission of a role, over every namespace the role is in: used when it allowed a request in any.
        var usage = granted
            .GroupBy(p => p.Text)
            .Select(g => (Text: g.Key, First: g.First(), Requests: g.Sum(p => requests.Where(r => p.Allowed(r.Request)).Sum(r => r.Count))))
            .OrderBy(p => p.Text, StringComparer.Ordinal)
            .ToList();
        foreach (var (text, _, count) in usage)
        {
            output.WriteLine($"{text}: {count} request(s)");
        }

        var unused = usage.Where(p => p.Requests == 0 && !Unexercised.Any(e => e.Covers(p.First))).Select(p => p.Text).ToList();
        Assert.True(unused.Count == 0,
            $"the chart grants the operator permissions no scenario used (remove them from the chart, make a scenario use them, or list them in {nameof(Unexercised)} with the reason; "
            + "a scenario that failed early may have left its permissions unused):\n" + string.Join('\n', unused));
        var stale = Unexercised.Where(e => !usage.Any(p => e.Covers(p.First))).Select(e => e.ToString()).ToList();
        Assert.True(stale.Count == 0, $"entries of {nameof(Unexercised)} the chart no longer grants (remove them):\n" + string.Join('\n', stale));
        // An exception a scenario happened to reach (by timing) is not a failure; the output says so.
        foreach (var reached in Unexercised.Where(e => usage.Any(p => e.Covers(p.First) && p.Requests > 0)))
        {
            output.WriteLine($"{nameof(Unexercised)} entry used in this run: {reached}");
        }
    });

    /// <summary>Every (role, rule, apiGroup, resource, verb[, name]) of the release's Roles and ClusterRoles bound to the
    /// operator's ServiceAccount, as the cluster holds them.</summary>
    private async Task<IReadOnlyList<GrantedPermission>> GrantedPermissionsAsync()
    {
        var kubectl = cluster.Kubectl(null);
        async Task<List<JsonObject>> ItemsAsync(string kind) =>
            [.. (JsonNode.Parse(await kubectl.RunAsync("get", kind, "--all-namespaces", "-o", "json"))!["items"] as JsonArray ?? []).OfType<JsonObject>()];
        var roles = (await ItemsAsync("roles.rbac.authorization.k8s.io")).Concat(await ItemsAsync("clusterroles.rbac.authorization.k8s.io"))
            .ToDictionary(r => (Kind: (string)r["kind"]!, Namespace: (string?)r["metadata"]!["namespace"], Name: (string)r["metadata"]!["name"]!));
        var bindings = (await ItemsAsync("rolebindings.rbac.authorization.k8s.io")).Concat(await ItemsAsync("clusterrolebindings.rbac.authorization.k8s.io"));

        var granted = new List<GrantedPermission>();
        foreach (var binding in bindings.Where(b => FromRelease(b) && BindsOperator(b)))
        {
            var bindingNamespace = (string?)binding["metadata"]!["namespace"];
            var roleKind = (string)binding["roleRef"]!["kind"]!;
            var roleName = (string)binding["roleRef"]!["name"]!;
            var roleNamespace = roleKind == "Role" ? bindingNamespace : null;
            if (!roles.TryGetValue((roleKind, roleNamespace, roleName), out var role) || !FromRelease(role))
            {
                continue;
            }

            var rules = (role["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            for (var index = 0; index < rules.Count; index++)
            {
                var names = Strings(rules[index]["resourceNames"]);
                foreach (var group in Strings(rules[index]["apiGroups"]))
                {
                    foreach (var resource in Strings(rules[index]["resources"]))
                    {
                        foreach (var verb in Strings(rules[index]["verbs"]))
                        {
                            granted.AddRange(names.Count == 0
                                ? [new GrantedPermission(roleKind, roleNamespace, roleName, index, group, resource, verb, null)]
                                : names.Select(name => new GrantedPermission(roleKind, roleNamespace, roleName, index, group, resource, verb, name)));
                        }
                    }
                }
            }
        }

        return granted;
    }

    /// <summary>Whether helm made the object for this release (its ownership annotation).</summary>
    private static bool FromRelease(JsonObject item) =>
        (string?)item["metadata"]?["annotations"]?["meta.helm.sh/release-name"] == EndToEndCluster.Release &&
        (string?)item["metadata"]?["annotations"]?["meta.helm.sh/release-namespace"] == EndToEndCluster.ReleaseNamespace;

    private static bool BindsOperator(JsonObject binding) =>
        (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>().Any(s =>
            (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == EndToEndCluster.Fullname &&
            ((string?)s["namespace"] ?? (string?)binding["metadata"]!["namespace"]) == EndToEndCluster.ReleaseNamespace);

    private static List<string> Strings(JsonNode? list) => [.. (list as JsonArray ?? []).Select(v => (string?)v).OfType<string>()];

    private static string Describe(RequestAttributes request) => request.IsResourceRequest
        ? $"{request.Verb} {request.ResourceWithSubresource} ({request.ApiGroup}) {request.Namespace}/{request.Name}"
        : $"{request.Verb} {request.Path}";

    /// <summary>One verb on one resource of one API group (and one name, for a rule with resourceNames) that rule
    /// <see cref="RuleIndex"/> of a role grants.</summary>
    private sealed record GrantedPermission(
        string RoleKind, string? RoleNamespace, string RoleName, int RuleIndex, string ApiGroup, string Resource, string Verb, string? ResourceName)
    {
        /// <summary>How the failure names it: the role and the permission, the same for the role's copy in every namespace.</summary>
        public string Text => $"{RoleKind} \"{RoleName}\" rule {RuleIndex}: ({Quoted(ApiGroup)}, {Resource}, {Verb})" + (ResourceName is null ? "" : $" name {ResourceName}");

        /// <summary>Whether this rule allowed <paramref name="request"/> and the request was for this permission.</summary>
        public bool Allowed(AuthorizedRequest request) =>
            request.AllowedBy is { } rule && rule.RoleKind == RoleKind && rule.RoleNamespace == RoleNamespace && rule.RoleName == RoleName &&
            rule.RuleIndex == RuleIndex && request.Request.IsResourceRequest &&
            Matches(Verb, request.Request.Verb) && Matches(ApiGroup, request.Request.ApiGroup) &&
            Matches(Resource, request.Request.ResourceWithSubresource) && (ResourceName is null || ResourceName == request.Request.Name);

        private static bool Matches(string granted, string requested) => granted == "*" || granted == requested;

        private static string Quoted(string group) => group.Length == 0 ? "\"\"" : group;
    }

    /// <summary>An (apiGroup, resource, verb) the chart grants and no scenario uses, with why it stays.</summary>
    private sealed record UnexercisedPermission(string ApiGroup, string Resource, string Verb, string Reason)
    {
        public bool Covers(GrantedPermission permission) =>
            permission.ApiGroup == ApiGroup && permission.Resource == Resource && permission.Verb == Verb;

        public override string ToString() => $"({ApiGroup}, {Resource}, {Verb}): {Reason}";
    }
}
