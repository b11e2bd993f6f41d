namespace ZkSync.Operator.Reconciliation;

/// <summary>The three worker Jobs of a pass.</summary>
public enum WorkerRole
{
    /// <summary>One source pod that takes the session lock first: it walks the source and queues the paths.</summary>
    Master,

    /// <summary>Source pods (Indexed): they push queued paths to the destinations.</summary>
    Sources,

    /// <summary>Destination pods (Indexed): rsync daemons that receive.</summary>
    Destinations,
}
