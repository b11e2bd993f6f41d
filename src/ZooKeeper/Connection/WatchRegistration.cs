namespace ZkSync.ZooKeeper.Connection;

/// <summary>A watcher a request asks the server to arm on <paramref name="ServerPath"/>; added to the
/// <see cref="WatchRegistry"/> only when the request's reply arrives for a caller still waiting.</summary>
internal sealed record WatchRegistration(WatchKind Kind, string ServerPath, Action<WatchedEvent> Watcher);
