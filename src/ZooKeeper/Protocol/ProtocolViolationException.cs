namespace ZkSync.ZooKeeper.Protocol;

/// <summary>The server sent something this client cannot decode; the connection is dropped and re-established.</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
