using System.Net;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Controllers.Workloads;
using ZkSync.LocalCluster.Kubelet;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>How to start a <see cref="LocalClusterHost"/>: its nodes, its images, where it keeps its files, its API server.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>The API server's settings (port, logging, bookmarks ...); the cluster adds its controllers and kubelet
    /// to <see cref="LocalApiServerOptions.ConfigureServices"/> and its pods' addresses to the certificate.</summary>
    public LocalApiServerOptions ApiServer { get; init; } = new();

    /// <summary>The nodes the kubelet registers and runs pods for (node-1, node-2, node-3 by default).</summary>
    public IReadOnlyList<LocalNode> Nodes { get; init; } = LocalNode.Defaults;

    /// <summary>Image references and the host directories that stand for them.</summary>
    public IReadOnlyList<ImageMapping> Images { get; init; } = [];

    /// <summary>Where the cluster keeps pods' files and provisioned volumes; null for a new temporary directory. What the
    /// cluster makes in it is removed when it stops (the directory too, when the cluster made it).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The /24 of 127.0.0.0/8 pods get their addresses from (127.0.0.0: pods are 127.0.0.2-254).</summary>
    public IPAddress PodNetwork { get; init; } = IPAddress.Parse("127.0.0.0");

    /// <summary>The Job controller's settings (its failure back-off).</summary>
    public JobControllerOptions Jobs { get; init; } = new();

    /// <summary>The first crash-loop back-off of a restarting container (the kubelet's 10 s).</summary>
    public TimeSpan RestartBackOff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest crash-loop back-off (the kubelet's 5 min).</summary>
    public TimeSpan MaxRestartBackOff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest grace period pods get when the cluster stops.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the cluster logs (the API server, its controllers and the kubelet); null for nowhere.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
