namespace ZkSync.Operator.Reconciliation;

/// <summary>How a pass ended: success, or the failure's condition reason and message.</summary>
public sealed record PassOutcome(bool Succeeded, string Reason, string Message, DateTime? FinishedAt);
