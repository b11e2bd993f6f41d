namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A pod volume already resolved to what backs it on the host; containers mount it by <see cref="Name"/>
/// through their <c>volumeMounts</c>.
/// </summary>
public abstract record SandboxVolume(string Name);
