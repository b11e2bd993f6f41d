namespace ZkSync.LocalCluster.Storage;

/// <summary>The <c>type</c> of a watch event, as written on the wire.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}
