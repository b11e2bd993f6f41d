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

    internal MasterReplacedException(string progressPath, int expectedVersion, int foundVersion)
        : base(foundVersion < 0
            ? $"{progressPath} was written by another master (it is no longer at version {expectedVersion}): another worker took over"
            : $"{progressPath} is at version {foundVersion}, not {expectedVersion} or {expectedVersion + 1}: another worker took over")
    {
    }
}
