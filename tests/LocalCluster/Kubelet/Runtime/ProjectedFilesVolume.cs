namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A volume of files the kubelet writes: Secret, ConfigMap, downward API, projected (the service account's
/// token, <c>ca.crt</c> and <c>namespace</c> included). The runtime writes them into the pod's directory as the
/// kubelet's atomic writer does (a <c>..data</c> link to a timestamped directory, one link per top-level
/// name), so updates through <see cref="PodSandbox.UpdateFilesAsync"/> are atomic for readers. Like the
/// kubelet, containers always mount these volumes read-only.
/// </summary>
/// <param name="DefaultMode">Mode of files without their own (Kubernetes' default 0644).</param>
public sealed record ProjectedFilesVolume(string Name, IReadOnlyList<ProjectedFile> Files, int DefaultMode = ProjectedFilesVolume.DefaultFileMode)
    : SandboxVolume(Name)
{
    /// <summary>Kubernetes' default <c>defaultMode</c>, 0644.</summary>
    public const int DefaultFileMode = 420;
}
