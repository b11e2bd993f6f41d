namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>One file of a Secret, ConfigMap, downward API or projected volume: its relative path, its
/// content and its mode (the volume's default mode when null).</summary>
public sealed record ProjectedFile(string Path, ReadOnlyMemory<byte> Content, int? Mode = null);
