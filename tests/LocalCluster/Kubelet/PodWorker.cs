using System.Net;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// What the kubelet keeps of one pod it runs: its address, its sandbox (once started), the tasks that start and stop
/// it, and why it waits. Only the kubelet's reconcile loop changes it; the runtime's listener only queues the pod.
/// </summary>
internal sealed class PodWorker
{
    public PodWorker(string key, string uid, string node, DateTimeOffset startTime)
    {
        Key = key;
        Uid = uid;
        Node = node;
        StartTime = startTime;
    }

    public string Key { get; }

    public string Uid { get; }

    public string Node { get; }

    public DateTimeOffset StartTime { get; }

    public IPAddress? Address { get; set; }

    /// <summary>Whether <see cref="Address"/> came from the pool (and goes back to it).</summary>
    public bool OwnsAddress { get; set; }

    public Task<PodSandbox>? Starting { get; set; }

    public PodSandbox? Sandbox { get; set; }

    public Task? Stopping { get; set; }

    public IReadOnlyDictionary<string, (string Reason, string? Message)> Waiting { get; set; } =
        new Dictionary<string, (string Reason, string? Message)>();

    /// <summary>The problems last recorded as events, so a pod retried every few seconds records each once.</summary>
    public IReadOnlyList<PodProblem> Reported { get; set; } = [];

    public (string Reason, string Message)? Failure { get; set; }

    public IReadOnlyList<HostEntry> NameEntries { get; set; } = [];

    public TimeSpan? TokenRefreshInterval { get; set; }

    public DateTimeOffset? TokenRefreshDue { get; set; }

    /// <summary>The files last written per projected volume (by content), to rewrite only what changed.</summary>
    public Dictionary<string, string> FileDigests { get; } = new(StringComparer.Ordinal);
}
