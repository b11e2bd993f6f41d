using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Api;

/// <summary>A write the resource layer just stored: the type written through, the change, and the stored object (a copy).</summary>
public sealed record StoredChange(ResourceType Type, WatchEventType Change, JsonObject Object);
