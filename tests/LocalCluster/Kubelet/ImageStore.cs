using System.Security.Cryptography;
using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The local kubelet's "pulled images": each mapping of an image reference to a host directory. A pod's image is
/// looked up as written, then normalised; one with no mapping cannot be pulled (<c>ErrImagePull</c>).
/// </summary>
public sealed class ImageStore
{
    private readonly IReadOnlyList<ImageMapping> _mappings;

    public ImageStore(IReadOnlyList<ImageMapping> mappings) => _mappings = mappings;

    /// <summary>The image's directory and configuration; throws <see cref="ImagePullException"/> when it has none or
    /// its image.json is not valid.</summary>
    public async Task<ResolvedImage> ResolveAsync(string image, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            throw new ImagePullException("InvalidImageName", "the container has no image");
        }

        var normalized = ImageReference.Normalize(image);
        var mapping = _mappings.FirstOrDefault(m => m.Reference == image)
                      ?? _mappings.FirstOrDefault(m => ImageReference.Normalize(m.Reference) == normalized)
                      ?? throw new ImagePullException("ErrImagePull",
                          $"failed to pull and unpack image \"{normalized}\": the local cluster maps no directory to this image (start it with --image {image}=DIR)");
        ImageConfig config;
        try
        {
            config = await ImageConfig.LoadAsync(mapping.Directory, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new ImagePullException("ErrImagePull", $"failed to pull and unpack image \"{normalized}\": {e.Message}");
        }

        var digest = normalized.Contains('@', StringComparison.Ordinal)
            ? normalized[(normalized.IndexOf('@', StringComparison.Ordinal) + 1)..]
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized + "\n" + mapping.Directory)));
        return new ResolvedImage(mapping.Directory, config, $"{ImageReference.Repository(normalized)}@{digest}");
    }
}
