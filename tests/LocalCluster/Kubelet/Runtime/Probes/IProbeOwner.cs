namespace ZkSync.LocalCluster.Kubelet.Runtime.Probes;

/// <summary>What a <see cref="ProbeWorker"/> reports to: the container it probes.</summary>
internal interface IProbeOwner
{
    /// <summary>Whether the probe runs now (readiness and liveness wait for the container to have started).</summary>
    bool ShouldProbe(ProbeKind kind);

    /// <summary>Every attempt (failures become Unhealthy events).</summary>
    void OnAttempt(ProbeKind kind, ProbeOutcome outcome);

    /// <summary>The thresholded result changed.</summary>
    void OnResult(ProbeKind kind, ProbeOutcome outcome);
}
