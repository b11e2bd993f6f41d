using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>An image the kubelet found a directory for: the directory, its configuration and the id the status shows.</summary>
public sealed record ResolvedImage(string Directory, ImageConfig Config, string ImageId);
