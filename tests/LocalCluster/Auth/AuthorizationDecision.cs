namespace ZkSync.LocalCluster.Auth;

/// <summary>Whether a request is allowed, and why (RBAC's reason: the binding and role that allowed it); <see cref="AllowedBy"/>
/// names the rule, null for <c>system:masters</c> and for a refusal.</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason, RuleReference? AllowedBy = null);
