using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>The correlated old value of a node on an update (it may be a JSON null); absent when nothing correlates.</summary>
internal sealed record OldValue(JsonNode? Value);
