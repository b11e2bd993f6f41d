namespace ZkSync.LocalCluster.Api;

/// <summary>A delete's options (metav1.DeleteOptions), from the query or the body.</summary>
public sealed record DeleteOptions
{
    /// <summary>Background, Foreground or Orphan; null for the resource's default.</summary>
    public string? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }

    public bool DryRun { get; init; }
}
