namespace ZkSync.Operator.Rbac;

/// <summary>Where a permission is needed: in every namespace the operator watches (a ClusterRole, or a Role per watched
/// namespace), or only in the operator's own namespace (a Role there).</summary>
public enum PermissionScope
{
    WatchedNamespaces,
    OperatorNamespace,
}
