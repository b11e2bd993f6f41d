using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Something that keeps a session from progressing, for its conditions: <see cref="ConditionTypes.Failed"/>
/// (it will not get better by waiting) or <see cref="ConditionTypes.Stalled"/> (it may: a claim created later,
/// ZooKeeper back, a quota raised).</summary>
public sealed record SessionProblem(string ConditionType, string Reason, string Message)
{
    public bool IsFailure => ConditionType == ConditionTypes.Failed;

    public static SessionProblem Failed(string reason, string message) => new(ConditionTypes.Failed, reason, message);

    public static SessionProblem Stalled(string reason, string message) => new(ConditionTypes.Stalled, reason, message);
}
