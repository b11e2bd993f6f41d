namespace ZkSync.Worker.Cli;

/// <summary>What a <c>zkrsync</c> process does in its session.</summary>
public enum WorkerRole
{
    /// <summary><c>-S/--source</c>: master (if it wins the lock) or transferring source.</summary>
    Source,

    /// <summary><c>-D/--destination</c>: runs an rsync daemon that sources push to.</summary>
    Destination,

    /// <summary><c>--pathsonly</c>: build the path queue, report time and size, delete it.</summary>
    PathsOnly,

    /// <summary><c>--state</c>: report whether the session has paths left.</summary>
    State,
}
