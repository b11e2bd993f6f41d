namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A volume mount's <c>subPath</c>, resolved as the kubelet prepares it: relative, without <c>..</c>, created as a
/// directory when missing, and refused when a link leads it out of the volume; the resolved path is what gets
/// bound (so a subPath of a projected volume does not see later updates, as on a cluster).
/// </summary>
internal static class SubPath
{
    /// <exception cref="ArgumentException">The subPath is invalid or leaves the volume.</exception>
    public static string Resolve(string volumePath, string subPath, string volumeName)
    {
        if (subPath.StartsWith('/') || subPath.Split('/').Contains(".."))
        {
            throw new ArgumentException($"failed to prepare subPath for volumeMount \"{volumeName}\": subPath \"{subPath}\" must be a relative path without '..'");
        }

        var volumeReal = LinuxNative.RealPath(volumePath)
            ?? throw new ArgumentException($"failed to prepare subPath for volumeMount \"{volumeName}\": {volumePath} does not exist");
        var candidate = Path.Combine(volumePath, subPath);
        if (!File.Exists(candidate) && !Directory.Exists(candidate))
        {
            // Only where its existing part stays inside the volume.
            CheckInside(volumeReal, LinuxNative.RealPath(ExistingAncestor(candidate)), subPath, volumeName);
            Directory.CreateDirectory(candidate);
        }

        var real = LinuxNative.RealPath(candidate);
        CheckInside(volumeReal, real, subPath, volumeName);
        return real!;
    }

    private static string ExistingAncestor(string path)
    {
        while (!File.Exists(path) && !Directory.Exists(path))
        {
            path = Path.GetDirectoryName(path) ?? "/";
        }

        return path;
    }

    private static void CheckInside(string volumeReal, string? real, string subPath, string volumeName)
    {
        if (real is null || (real != volumeReal && !real.StartsWith(volumeReal.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"failed to prepare subPath for volumeMount \"{volumeName}\": subpath \"{subPath}\" is outside of the volume");
        }
    }
}
