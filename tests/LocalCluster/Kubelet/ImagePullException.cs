namespace ZkSync.LocalCluster.Kubelet;

/// <summary>An image the kubelet cannot "pull": the container waits with <see cref="Reason"/> (ErrImagePull,
/// InvalidImageName) and the message.</summary>
public sealed class ImagePullException : Exception
{
    public ImagePullException(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ImagePullException()
        : this("ErrImagePull", "image pull failed")
    {
    }

    public ImagePullException(string message)
        : this("ErrImagePull", message)
    {
    }

    public ImagePullException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "ErrImagePull";
    }

    public string Reason { get; } = "ErrImagePull";
}
