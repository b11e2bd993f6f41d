namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>A namespace of one test, with the operator's service account bound to exactly
/// <see cref="Rbac.OperatorPermissions"/> and a token for it.</summary>
public sealed record TestNamespace(string Name, string OperatorToken)
{
    public override string ToString() => Name;
}
