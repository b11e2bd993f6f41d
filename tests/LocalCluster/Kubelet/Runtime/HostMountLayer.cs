namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// How one host mount appears in a container's root: <see cref="Overlay"/> (the host's files, copy-on-write:
/// the container's writes land in its own scratch space and vanish with it) or <see cref="ReadOnlyBind"/>
/// (the host's files, read-only).
/// </summary>
public sealed record HostMountLayer(string Path, string Mode)
{
    public const string Overlay = "overlay";
    public const string ReadOnlyBind = "bind";
}
