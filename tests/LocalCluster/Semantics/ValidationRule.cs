namespace ZkSync.LocalCluster.Semantics;

/// <summary>One entry of <c>x-kubernetes-validations</c>.</summary>
internal sealed record ValidationRule(
    string Rule,
    string? Message,
    string? MessageExpression,
    string? Reason,
    string? FieldPath,
    bool OptionalOldSelf);
