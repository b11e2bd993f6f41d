namespace ZkSync.Worker.Coordination;

/// <summary>Another master has written the session's progress since this one last did: this master's ZooKeeper
/// session ended at some point and another worker took the session over. This one must stop writing.</summary>
public sealed class MasterReplacedException : Exception
{
    public MasterReplacedException()
    {
    }

    public MasterReplacedException(string message)
        : base(message)
    {
    }

    public MasterReplacedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
