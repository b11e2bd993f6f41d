using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// One container of a pod, resolved: its final argument vector (<see cref="ContainerCommand.Combine"/>), its
/// environment with every reference already resolved, the image directory its program is looked up in first.
/// Volume mounts name the pod's <see cref="PodSandboxSpec.Volumes"/>; <c>subPath</c> is honoured,
/// <c>subPathExpr</c> must be expanded into <c>subPath</c> by the caller; <c>mountPropagation</c> and
/// <c>recursiveReadOnly</c> are not modelled. Not modelled either: resources (no cgroups, so no limits and no
/// OOMKilled), lifecycle hooks, <c>stdin</c>/<c>tty</c>, gRPC probes (they fail with a message saying so).
/// </summary>
public sealed record ContainerSpec
{
    public required string Name { get; init; }

    /// <summary>The image reference, reported in the status as it is.</summary>
    public string Image { get; init; } = "";

    /// <summary>The image's id for the status (<c>imageID</c>).</summary>
    public string ImageId { get; init; } = "";

    /// <summary>The host directory standing for the image's executables; null for none.</summary>
    public string? ImageDirectory { get; init; }

    /// <summary>The image's configuration: its USER and WORKDIR apply here (its ENTRYPOINT and CMD are already
    /// in <see cref="Argv"/>).</summary>
    public ImageConfig ImageConfig { get; init; } = ImageConfig.Empty;

    /// <summary>The argument vector: argv[0] is looked up as <see cref="ExecutableLookup.Find"/> says.</summary>
    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>The environment, in order; a later entry with the same name wins.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>The working directory; the image's WORKDIR, else <c>/</c>, when null. Created when missing, as
    /// runc does.</summary>
    public string? WorkingDir { get; init; }

    public IReadOnlyList<V1VolumeMount> VolumeMounts { get; init; } = [];

    /// <summary>The ports, for probes that name theirs.</summary>
    public IReadOnlyList<V1ContainerPort> Ports { get; init; } = [];

    public V1SecurityContext? SecurityContext { get; init; }

    /// <summary>Where the container writes its termination message; empty for none.</summary>
    public string TerminationMessagePath { get; init; } = "/dev/termination-log";

    public TerminationMessagePolicy TerminationMessagePolicy { get; init; } = TerminationMessagePolicy.File;

    public V1Probe? ReadinessProbe { get; init; }

    public V1Probe? LivenessProbe { get; init; }

    public V1Probe? StartupProbe { get; init; }
}
