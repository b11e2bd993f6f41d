namespace ZkSync.Operator.Entities;

/// <summary>Types of <c>status.conditions</c>. <see cref="Ready"/>, <see cref="Reconciling"/> and
/// <see cref="Stalled"/> have kstatus's meanings, so Flux and other kstatus readers understand the resource.</summary>
public static class ConditionTypes
{
    /// <summary>True when the current pass finished and succeeded.</summary>
    public const string Ready = "Ready";

    /// <summary>True while a pass runs (or is being started).</summary>
    public const string Reconciling = "Reconciling";

    /// <summary>True when the session cannot progress without a change: unschedulable, refused by a quota or pod
    /// security, ZooKeeper unreachable, a failed pass.</summary>
    public const string Stalled = "Stalled";

    /// <summary>True when the current pass synced every path.</summary>
    public const string Complete = "Complete";

    /// <summary>True when the current pass ended with failed paths or a failed Job, or could not start.</summary>
    public const string Failed = "Failed";

    /// <summary>True while <c>spec.suspend</c> holds the session.</summary>
    public const string Suspended = "Suspended";

    public static IReadOnlyList<string> All { get; } = [Ready, Reconciling, Stalled, Complete, Failed, Suspended];
}
