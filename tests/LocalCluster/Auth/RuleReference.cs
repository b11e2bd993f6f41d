namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// The RBAC rule that allowed a request: the binding (a ClusterRoleBinding, or a RoleBinding in
/// <see cref="BindingNamespace"/>), the role it refers to (a ClusterRole, or a Role in the binding's namespace) and the
/// index of the rule in that role's <c>rules</c>.
/// </summary>
public sealed record RuleReference(string BindingKind, string? BindingNamespace, string BindingName, string RoleKind, string RoleName, int RuleIndex)
{
    /// <summary>The role's namespace: the binding's for a Role, null for a ClusterRole.</summary>
    public string? RoleNamespace => RoleKind == "Role" ? BindingNamespace : null;

    public override string ToString() =>
        $"{BindingKind} \"{(BindingNamespace is null ? BindingName : $"{BindingName}/{BindingNamespace}")}\" of {RoleKind} \"{RoleName}\" rule {RuleIndex}";
}
