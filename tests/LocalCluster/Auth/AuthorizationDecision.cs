namespace ZkSync.LocalCluster.Auth;

/// <summary>Whether a request is allowed, and why (RBAC's reason: the binding and role that allowed it).</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason);
