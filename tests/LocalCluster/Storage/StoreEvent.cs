using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Storage;

/// <summary>
/// One change of the store, in resourceVersion order. <paramref name="Object"/> is the object after
/// the change (for a deletion: as it was, with the deletion's resourceVersion); <paramref name="Previous"/>
/// the object before (null for an addition), so selector filters can turn a change that moves an
/// object out of a selection into a deletion, as the real watch cache does. Each subscriber gets its
/// own copies: they are its to change.
/// </summary>
public sealed record StoreEvent(
    long ResourceVersion,
    WatchEventType Type,
    string StorageKey,
    string? Namespace,
    JsonObject Object,
    JsonObject? Previous);
