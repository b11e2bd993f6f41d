namespace ZkSync.ZooKeeper.Protocol;

/// <summary>What starts every frame from the server: the request's xid (or a reserved one), the zxid the server had reached, the error code.</summary>
internal readonly record struct ReplyHeader(int Xid, long Zxid, ZooKeeperErrorCode Error);
