namespace ZkSync.LocalCluster.Auth;

/// <summary>One kind of request the API server authorized: who asked (<see cref="User"/>), what (<see cref="Request"/>:
/// verb, API group, resource, subresource, namespace, name, or a non-resource path), whether it was allowed and by which
/// rule (<see cref="AllowedBy"/>; null for <c>system:masters</c> and refusals).</summary>
public sealed record AuthorizedRequest(string User, RequestAttributes Request, bool Allowed, RuleReference? AllowedBy);
