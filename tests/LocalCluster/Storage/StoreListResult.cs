using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Storage;

/// <summary>A page of a list: the objects, the store's resourceVersion, and the key to continue after when more remain.</summary>
public sealed record StoreListResult(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? ContinueAfterKey);
