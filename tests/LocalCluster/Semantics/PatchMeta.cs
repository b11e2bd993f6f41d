namespace ZkSync.LocalCluster.Semantics;

/// <summary>How a strategic merge patch treats one field: its strategies ("merge", "replace", "retainKeys") and list merge key.</summary>
internal sealed record PatchMeta(IReadOnlyList<string> Strategies, string MergeKey)
{
    public static readonly PatchMeta None = new([], "");

    /// <summary>The strategy besides retainKeys (extractRetainKeysPatchStrategy): "merge", "replace" or "".</summary>
    public string Strategy => Strategies.FirstOrDefault(s => s != "retainKeys") ?? "";
}
