namespace ZkSync.LocalCluster.Api;

/// <summary>The patch formats, by their Content-Type.</summary>
public enum PatchKind
{
    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    Merge,

    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    Json,

    /// <summary><c>application/strategic-merge-patch+json</c>: built-in kinds only.</summary>
    StrategicMerge,

    /// <summary><c>application/apply-patch+yaml</c>: server-side apply (here a merge of the applied object, ownership untracked).</summary>
    Apply,
}
