namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// What a request asks to do, as RBAC sees it: a verb on a resource (group, resource, subresource,
/// name, namespace) or on a non-resource path.
/// </summary>
public sealed record RequestAttributes(
    string Verb,
    string ApiGroup = "",
    string Resource = "",
    string Subresource = "",
    string Name = "",
    string? Namespace = null,
    string? Path = null)
{
    public bool IsResourceRequest => Path is null;

    /// <summary><c>pods</c> or <c>pods/log</c>.</summary>
    public string ResourceWithSubresource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";
}
