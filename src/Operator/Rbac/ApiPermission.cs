namespace ZkSync.Operator.Rbac;

/// <summary>One RBAC rule the operator needs: verbs on a resource (with its subresource, <c>jobs</c> or
/// <c>zkrsyncsessions/status</c>) of an API group (<c>""</c> for the core group), and why.</summary>
public sealed record ApiPermission(PermissionScope Scope, string ApiGroup, string Resource, IReadOnlyList<string> Verbs, string Why)
{
    public bool Allows(string verb, string apiGroup, string resource) =>
        ApiGroup == apiGroup && Resource == resource && Verbs.Contains(verb, StringComparer.Ordinal);
}
