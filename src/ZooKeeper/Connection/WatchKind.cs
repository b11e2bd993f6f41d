namespace ZkSync.ZooKeeper.Connection;

/// <summary>Which call armed a watch; it decides what the server armed (see <see cref="WatchRegistry.Add"/>).</summary>
internal enum WatchKind
{
    /// <summary>getData: fires on data change or deletion.</summary>
    Data,

    /// <summary>exists: a data watch on an existing node, a creation watch on a missing one.</summary>
    Exists,

    /// <summary>getChildren: fires when a child comes or goes, or the node is deleted.</summary>
    Child,
}
