using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Api;

/// <summary>One event of a watch as the client sees it: its type and the object (a bookmark's carries only a resourceVersion).</summary>
public sealed record WatchEventItem(WatchEventType Type, JsonObject Object)
{
    /// <summary>The wire name of the type: ADDED, MODIFIED, DELETED, BOOKMARK.</summary>
    public string TypeName => Type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        _ => "BOOKMARK",
    };
}
