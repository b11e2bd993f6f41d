namespace ZkSync.ZooKeeper.Protocol;

/// <summary>Reserved xids: replies carrying these are not matched against the pending-request FIFO.</summary>
internal static class Xids
{
    public const int Notification = -1;
    public const int Ping = -2;
    public const int Auth = -4;
    public const int SetWatches = -8;
}
