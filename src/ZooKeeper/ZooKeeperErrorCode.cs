namespace ZkSync.ZooKeeper;

/// <summary>Error codes of the ZooKeeper wire protocol (KeeperException.Code); the values are the wire's.</summary>
public enum ZooKeeperErrorCode
{
    Ok = 0,
    /// <summary>A server-side system error.</summary>
    SystemError = -1,
    /// <summary>A runtime inconsistency was found (also reported for the operations of a failed multi after the failing one).</summary>
    RuntimeInconsistency = -2,
    /// <summary>A data inconsistency was found.</summary>
    DataInconsistency = -3,
    /// <summary>The connection to the server was lost before a reply arrived; the request may or may not have been applied.</summary>
    ConnectionLoss = -4,
    /// <summary>Error while marshalling or unmarshalling data.</summary>
    MarshallingError = -5,
    /// <summary>The operation is not implemented by this server (or needs a server feature that is off).</summary>
    Unimplemented = -6,
    /// <summary>The operation timed out.</summary>
    OperationTimeout = -7,
    /// <summary>Invalid arguments.</summary>
    BadArguments = -8,
    /// <summary>Unknown session (internal server error).</summary>
    UnknownSession = -12,
    /// <summary>No quorum of the new configuration is connected and up to date.</summary>
    NewConfigNoQuorum = -13,
    /// <summary>Another reconfiguration is in progress.</summary>
    ReconfigInProgress = -14,
    /// <summary>API error.</summary>
    ApiError = -100,
    /// <summary>The node does not exist.</summary>
    NoNode = -101,
    /// <summary>The session is not authorised for this operation on the node's ACL.</summary>
    NoAuth = -102,
    /// <summary>The expected version does not match the node's version.</summary>
    BadVersion = -103,
    /// <summary>Ephemeral nodes may not have children.</summary>
    NoChildrenForEphemerals = -108,
    /// <summary>The node already exists.</summary>
    NodeExists = -110,
    /// <summary>The node has children.</summary>
    NotEmpty = -111,
    /// <summary>The session has expired; ephemeral nodes and watches are gone. Open a new client.</summary>
    SessionExpired = -112,
    /// <summary>Invalid callback.</summary>
    InvalidCallback = -113,
    /// <summary>Invalid ACL.</summary>
    InvalidAcl = -114,
    /// <summary>Client authentication failed.</summary>
    AuthFailed = -115,
    /// <summary>The session moved to another server.</summary>
    SessionMoved = -118,
    /// <summary>State-changing request sent to a read-only server.</summary>
    NotReadOnly = -119,
    /// <summary>Attempt to create an ephemeral node on a local session.</summary>
    EphemeralOnLocalSession = -120,
    /// <summary>No such watcher.</summary>
    NoWatcher = -121,
    /// <summary>The request timed out on the server.</summary>
    RequestTimeout = -122,
    /// <summary>Dynamic reconfiguration is disabled.</summary>
    ReconfigDisabled = -123,
    /// <summary>The session was closed because the server requires SASL.</summary>
    SessionClosedRequireSasl = -124,
    /// <summary>A quota was exceeded.</summary>
    QuotaExceeded = -125,
    /// <summary>The server throttled the request.</summary>
    Throttled = -127,
}
