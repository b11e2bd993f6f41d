using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>A pod the kubelet prepared: the sandbox to run, or why its containers wait and what to record about it.</summary>
internal sealed record SandboxPlan
{
    public PodSandboxSpec? Spec { get; init; }

    public IReadOnlyDictionary<string, (string Reason, string? Message)> Waiting { get; init; } =
        new Dictionary<string, (string Reason, string? Message)>();

    public IReadOnlyList<PodProblem> Problems { get; init; } = [];

    /// <summary>Events to record once the sandbox starts (<c>Pulled</c> per container).</summary>
    public IReadOnlyList<PodProblem> OnStart { get; init; } = [];

    /// <summary>How often the pod's projected service-account tokens are reissued (80% of the shortest lifetime),
    /// when it has any.</summary>
    public TimeSpan? TokenRefreshInterval { get; init; }
}
