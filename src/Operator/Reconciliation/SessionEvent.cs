namespace ZkSync.Operator.Reconciliation;

/// <summary>An Event to record on the session: <c>Normal</c> or <c>Warning</c>, a reason from <see cref="Entities.EventReasons"/>.</summary>
public sealed record SessionEvent(string Type, string Reason, string Message)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
