namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>Settings of the Job controller.</summary>
public sealed record JobControllerOptions
{
    /// <summary>The delay before a failed pod is replaced, doubled per consecutive failure (the controller's 10 s).</summary>
    public TimeSpan PodFailureBackOff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest such delay (the controller's 10 min).</summary>
    public TimeSpan MaxPodFailureBackOff { get; init; } = TimeSpan.FromMinutes(10);
}
