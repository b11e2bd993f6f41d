using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// RBAC as the real authorizer evaluates it, from the Roles, ClusterRoles and bindings in the store:
/// subjects (User, Group, ServiceAccount), verbs, apiGroups, resources and subresources,
/// resourceNames, namespaces, nonResourceURLs; <c>system:masters</c> is always allowed.
/// </summary>
public sealed class RbacAuthorizer
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    private readonly ObjectStore _store;

    public RbacAuthorizer(ObjectStore store, AuthorizationLog log)
    {
        _store = store;
        Log = log;
    }

    /// <summary>Every request <see cref="AuthorizeRequest"/> decided on.</summary>
    public AuthorizationLog Log { get; }

    public AuthorizationDecision Authorize(UserInfo user, RequestAttributes request)
    {
        if (user.IsMaster)
        {
            return new AuthorizationDecision(true, "");
        }

        foreach (var applicable in ApplicableRules(user, request.Namespace))
        {
            var index = applicable.Rules.FindIndex(rule => Allows(rule, request));
            if (index >= 0)
            {
                var allowedBy = new RuleReference(applicable.BindingKind, applicable.BindingNamespace, applicable.BindingName, applicable.RoleKind, applicable.RoleName, index);
                var binding = applicable.BindingNamespace is null ? applicable.BindingName : $"{applicable.BindingName}/{applicable.BindingNamespace}";
                return new AuthorizationDecision(
                    true, $"RBAC: allowed by {applicable.BindingKind} \"{binding}\" of {applicable.RoleKind} \"{applicable.RoleName}\" to {SubjectText(user)}", allowedBy);
            }
        }

        return new AuthorizationDecision(false, "");
    }

    /// <summary><see cref="Authorize"/> for a request the server serves: the decision is recorded in <see cref="Log"/>
    /// (a SubjectAccessReview's question is not a request, and is not recorded).</summary>
    public AuthorizationDecision AuthorizeRequest(UserInfo user, RequestAttributes request)
    {
        var decision = Authorize(user, request);
        Log.Record(user, request, decision);
        return decision;
    }

    /// <summary>The rules that apply to a user in a namespace (null: cluster-wide only), as SelfSubjectRulesReview lists them.</summary>
    public IReadOnlyList<JsonObject> RulesFor(UserInfo user, string? ns)
    {
        if (user.IsMaster)
        {
            return BootstrapPolicy.ClusterAdminRules();
        }

        return ApplicableRules(user, ns).SelectMany(r => r.Rules).ToList();
    }

    /// <summary>The message a 403 carries: <c>User "x" cannot get resource "pods" in API group "" in the namespace "y"</c>.</summary>
    public static string DenialMessage(UserInfo user, RequestAttributes request)
    {
        if (!request.IsResourceRequest)
        {
            return $"User \"{user.Name}\" cannot {request.Verb} path \"{request.Path}\"";
        }

        var scope = string.IsNullOrEmpty(request.Namespace) ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        return $"User \"{user.Name}\" cannot {request.Verb} resource \"{request.ResourceWithSubresource}\" in API group \"{request.ApiGroup}\" {scope}";
    }

    private static string SubjectText(UserInfo user) =>
        user.Name.StartsWith(UserInfo.ServiceAccountPrefix, StringComparison.Ordinal)
            ? $"ServiceAccount \"{user.Name[UserInfo.ServiceAccountPrefix.Length..].Replace(':', '/')}\""
            : $"User \"{user.Name}\"";

    private IEnumerable<ApplicableRole> ApplicableRules(UserInfo user, string? ns)
    {
        foreach (var binding in _store.List($"clusterrolebindings.{RbacGroup}", null).Items)
        {
            if (Binds(binding, user, null) && RoleRules(binding, null) is { } found)
            {
                yield return new ApplicableRole("ClusterRoleBinding", null, Metadata.Name(binding), found.Kind, found.Name, found.Rules);
            }
        }

        if (string.IsNullOrEmpty(ns))
        {
            yield break;
        }

        foreach (var binding in _store.List($"rolebindings.{RbacGroup}", ns).Items)
        {
            if (Binds(binding, user, ns) && RoleRules(binding, ns) is { } found)
            {
                yield return new ApplicableRole("RoleBinding", ns, Metadata.Name(binding), found.Kind, found.Name, found.Rules);
            }
        }
    }

    private (string Kind, string Name, List<JsonObject> Rules)? RoleRules(JsonObject binding, string? ns)
    {
        var kind = JsonValues.String(binding["roleRef"]?["kind"]);
        var name = JsonValues.String(binding["roleRef"]?["name"]) ?? "";
        JsonObject? role = kind switch
        {
            "ClusterRole" => _store.Get($"clusterroles.{RbacGroup}", null, name),
            "Role" when ns is not null => _store.Get($"roles.{RbacGroup}", ns, name),
            _ => null,
        };
        if (role is null)
        {
            return null;
        }

        var rules = (role["rules"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return (kind!, name, rules);
    }

    private static bool Binds(JsonObject binding, UserInfo user, string? bindingNamespace)
    {
        foreach (var subject in BuiltInDefaults.Objects(binding["subjects"]))
        {
            var kind = JsonValues.String(subject["kind"]);
            var name = JsonValues.String(subject["name"]) ?? "";
            var matched = kind switch
            {
                "User" => user.Name == name,
                "Group" => user.Groups.Contains(name),
                "ServiceAccount" => user.Name == $"{UserInfo.ServiceAccountPrefix}{JsonValues.String(subject["namespace"]) ?? bindingNamespace}:{name}",
                _ => false,
            };
            if (matched)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Allows(JsonObject rule, RequestAttributes request)
    {
        if (!Contains(rule["verbs"], request.Verb))
        {
            return false;
        }

        if (!request.IsResourceRequest)
        {
            return Strings(rule["nonResourceURLs"]).Any(url =>
                url == "*" || url == request.Path || (url.EndsWith('*') && request.Path!.StartsWith(url[..^1], StringComparison.Ordinal)));
        }

        if (!Contains(rule["apiGroups"], request.ApiGroup))
        {
            return false;
        }

        var resources = Strings(rule["resources"]);
        var combined = request.ResourceWithSubresource;
        var resourceMatched = resources.Any(r =>
            r == "*" || r == combined ||
            (request.Subresource.Length > 0 && r == $"*/{request.Subresource}") ||
            (request.Subresource.Length > 0 && r == $"{request.Resource}/*"));
        if (!resourceMatched)
        {
            return false;
        }

        var names = Strings(rule["resourceNames"]);
        return names.Count == 0 || (request.Name.Length > 0 && names.Contains(request.Name));
    }

    private static bool Contains(JsonNode? list, string value)
    {
        var values = Strings(list);
        return values.Contains("*") || values.Contains(value);
    }

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [];

    /// <summary>A role bound to the user: the binding, the role it refers to, and the role's rules.</summary>
    private sealed record ApplicableRole(string BindingKind, string? BindingNamespace, string BindingName, string RoleKind, string RoleName, List<JsonObject> Rules);
}
