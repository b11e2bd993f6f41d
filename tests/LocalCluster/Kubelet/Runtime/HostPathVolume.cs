namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A volume that is an existing host directory or file, bound into the containers as it is: a
/// PersistentVolume's directory, a <c>hostPath</c>, a <c>local</c> volume. The caller creates it (and checks
/// its <c>type</c>); the runtime neither creates nor removes it.
/// </summary>
public sealed record HostPathVolume(string Name, string Path) : SandboxVolume(Name);
