namespace ZkSync.Operator.Reconciliation;

/// <summary>Why a new pass starts.</summary>
public enum PassTrigger
{
    None,

    /// <summary>The resource's first pass.</summary>
    Initial,

    /// <summary><c>spec.trigger.manual</c> has a value no finished pass ran for.</summary>
    Manual,

    /// <summary><c>spec.trigger.schedule</c> is due.</summary>
    Schedule,
}
