namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The image directory's files at the image's own paths (<see cref="ImageConfig.Paths"/>): the read-only binds a
/// container gets, and a host path in the image directory translated to the path the container sees it at. An image
/// without <c>paths</c> is used from its host directory as it is.
/// </summary>
public static class ImageFiles
{
    /// <summary>One bind per entry of <see cref="ImageConfig.Paths"/>: host source, image path, whether a file.</summary>
    public static IEnumerable<(string Source, string Target, bool File)> Binds(string? imageDirectory, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (imageDirectory is null)
        {
            yield break;
        }

        foreach (var (imagePath, relative) in config.Paths)
        {
            var source = Source(imageDirectory, relative);
            yield return (source, imagePath, !Directory.Exists(source));
        }
    }

    /// <summary>The directory the container's PATH starts with: the image path of the directory itself when
    /// <c>paths</c> maps <c>"."</c>, else the host directory.</summary>
    public static string SearchDirectory(string imageDirectory, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Paths.FirstOrDefault(pair => pair.Value is "." or "./" or "").Key ?? imageDirectory;
    }

    /// <summary><paramref name="hostPath"/> as the container sees it: its image path when it is (or is inside) an
    /// entry of <c>paths</c>, else unchanged.</summary>
    public static string? ContainerPath(string? hostPath, string? imageDirectory, ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (hostPath is null || imageDirectory is null)
        {
            return hostPath;
        }

        // The most specific entry first: a file mapped on its own wins over the directory holding it.
        foreach (var (imagePath, relative) in config.Paths.OrderByDescending(pair => Source(imageDirectory, pair.Value).Length))
        {
            var source = Source(imageDirectory, relative);
            if (hostPath == source)
            {
                return imagePath;
            }

            if (hostPath.StartsWith(source + "/", StringComparison.Ordinal))
            {
                return imagePath.TrimEnd('/') + hostPath[source.Length..];
            }
        }

        return hostPath;
    }

    private static string Source(string imageDirectory, string relative) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(imageDirectory, relative)));
}
