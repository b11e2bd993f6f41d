namespace ZkSync.ZooKeeper.Protocol;

/// <summary>The server's answer to the handshake. A resumed session the server no longer knows comes back with
/// timeout 0 (and session id 0): it has expired.</summary>
internal readonly record struct ConnectResponse(int TimeoutMs, long SessionId, byte[] Password)
{
    public bool IsExpired => TimeoutMs <= 0;
}
