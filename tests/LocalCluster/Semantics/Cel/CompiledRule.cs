using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>One x-kubernetes-validations rule, parsed and ready to run.</summary>
internal sealed record CompiledRule(
    ValidationRule Rule,
    CelProgramDelegate Program,
    CelProgramDelegate? MessageExpression,
    bool UsesOldSelf,
    string? NormalizedFieldPath);
