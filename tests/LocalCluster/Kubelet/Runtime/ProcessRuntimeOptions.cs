namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Settings of a <see cref="ProcessRuntime"/>.</summary>
public sealed record ProcessRuntimeOptions
{
    /// <summary>The runtime's own directory (pods' volumes, logs, scratch space); created when missing and
    /// removed, with everything in it, when the runtime is disposed.</summary>
    public required string RootDirectory { get; init; }

    /// <summary>The first crash-loop back-off after the immediate first restart (the kubelet's 10 s).</summary>
    public TimeSpan InitialBackOff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest crash-loop back-off (the kubelet's 5 min).</summary>
    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest grace period pods get when the runtime itself stops (their own when shorter).</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The Python interpreter that runs the container helper (ctypes for mount(2) and setns(2)).</summary>
    public string PythonPath { get; init; } = "/usr/bin/python3";

    /// <summary>The User-Agent of HTTP probes; the kubelet sends <c>kube-probe/MAJOR.MINOR</c>.</summary>
    public string ProbeUserAgent { get; init; } = "kube-probe/1.32";
}
