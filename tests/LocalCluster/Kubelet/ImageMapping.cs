namespace ZkSync.LocalCluster.Kubelet;

/// <summary>An image reference and the host directory that stands for its filesystem's executables
/// (<c>--image REF=DIR</c>); an optional <c>DIR/image.json</c> gives its ENTRYPOINT, CMD, WORKDIR and USER.</summary>
public sealed record ImageMapping(string Reference, string Directory)
{
    /// <summary>Parses <c>REF=DIR</c>.</summary>
    /// <exception cref="ArgumentException">Not <c>REF=DIR</c>, or DIR is not an existing directory (one-line message).</exception>
    public static ImageMapping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw new ArgumentException($"--image {text}: expected REF=DIR, e.g. busybox=/opt/images/busybox");
        }

        var directory = Path.GetFullPath(text[(equals + 1)..]);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ArgumentException($"--image {text}: {directory} is not a directory");
        }

        return new ImageMapping(text[..equals], directory);
    }
}
