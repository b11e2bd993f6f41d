namespace ZkSync.ZooKeeper;

/// <summary>The client's view of its session.</summary>
public enum ZooKeeperState
{
    /// <summary>Looking for a server; no session yet.</summary>
    Connecting,

    /// <summary>Connected with a live session; requests flow.</summary>
    Connected,

    /// <summary>Connection lost; the session may still be alive and the client is reconnecting. Requests wait.</summary>
    Disconnected,

    /// <summary>The server expired the session: ephemeral nodes and watches are gone. Terminal; open a new client.</summary>
    Expired,

    /// <summary>The server rejected the authentication data. Terminal.</summary>
    AuthFailed,

    /// <summary>Closed by the caller. Terminal.</summary>
    Closed,
}
