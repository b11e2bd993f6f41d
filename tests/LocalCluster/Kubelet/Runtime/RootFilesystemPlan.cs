namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The container's root: a view of the host's filesystem (a local image is a directory of executables, not a
/// filesystem of its own) in which nothing the container writes outside its volumes reaches the host, as a
/// container's writable layer. Each host mount becomes a layer: writable ones an overlay with the container's
/// own upper directory, read-only ones (and those whose path an overlay option cannot express) a read-only
/// bind. <c>/proc</c>, <c>/sys</c> and <c>/dev</c> are not taken from the host: the container gets its own
/// proc, a read-only sysfs and a minimal /dev, as runc makes them; namespace handles (nsfs) are left out.
/// </summary>
public static class RootFilesystemPlan
{
    private static readonly string[] ContainerOwned = ["/proc", "/sys", "/dev"];

    public static IReadOnlyList<HostMountLayer> Plan(IReadOnlyList<MountInfoEntry> hostMounts, Func<string, bool> isDirectory)
    {
        ArgumentNullException.ThrowIfNull(hostMounts);
        ArgumentNullException.ThrowIfNull(isDirectory);
        var visible = new Dictionary<string, MountInfoEntry>(StringComparer.Ordinal);
        foreach (var mount in hostMounts)
        {
            visible[mount.MountPoint] = mount; // a later mount on the same path hides the earlier one
        }

        var layers = new List<HostMountLayer> { new("/", HostMountLayer.Overlay) };
        foreach (var mount in visible.Values
                     .Where(mount => mount.MountPoint != "/" && mount.FileSystemType != "nsfs" && !IsContainerOwned(mount.MountPoint))
                     .OrderBy(mount => mount.MountPoint.Count(c => c == '/'))
                     .ThenBy(mount => mount.MountPoint, StringComparer.Ordinal))
        {
            var overlay = !mount.IsReadOnly && isDirectory(mount.MountPoint) && !mount.MountPoint.AsSpan().ContainsAny(",:\\=");
            layers.Add(new HostMountLayer(mount.MountPoint, overlay ? HostMountLayer.Overlay : HostMountLayer.ReadOnlyBind));
        }

        return layers;
    }

    private static bool IsContainerOwned(string path) =>
        ContainerOwned.Any(owned => path == owned || path.StartsWith(owned + "/", StringComparison.Ordinal));
}
