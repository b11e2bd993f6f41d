using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Api;

/// <summary>What a delete did: the object (as removed, or as now marked deleting) and whether it is gone.</summary>
public sealed record DeleteResult(JsonObject Object, bool Removed);
