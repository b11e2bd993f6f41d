namespace ZkSync.Worker.Coordination;

/// <summary>Why a role stopped working.</summary>
internal enum StopCause
{
    /// <summary>Its work is done: the master emptied the queue, or the master said stop.</summary>
    Finished,

    /// <summary>SIGTERM or Ctrl-C: the role left the session in order, giving back what it held.</summary>
    Signal,

    /// <summary>Something broke that the role could not get past (a watch that failed, a daemon that would not start).</summary>
    Fault,
}
