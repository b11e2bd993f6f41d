namespace ZkSync.Worker.Coordination;

/// <summary>Why a role stopped working.</summary>
internal enum StopCause
{
    /// <summary>Its work is done: the master emptied the queue, or the master said stop.</summary>
    Finished,

    /// <summary>SIGTERM or Ctrl-C to a master that then ended the session (the rest of the queue reported unfinished).</summary>
    Signal,

    /// <summary>It left, in order, a session that is not over: a source or destination stopped by a signal (the session
    /// goes on without it), a master stopped by a signal with <c>--keep-session-on-stop</c> (it suspended the session),
    /// or a worker stopped by that master. Run again, it rejoins or resumes the session.</summary>
    Left,

    /// <summary>Something broke that the role could not get past (a watch that failed, a daemon that would not start).</summary>
    Fault,
}
