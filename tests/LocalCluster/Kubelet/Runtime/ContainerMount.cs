namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>A host path bound at <paramref name="Target"/> in a container (a file when <paramref name="File"/>).</summary>
internal sealed record ContainerMount(string Source, string Target, bool File, bool ReadOnly);
