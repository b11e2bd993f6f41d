namespace ZkSync.LocalCluster.Kubelet;

/// <summary>A container the kubelet cannot configure (an env reference to a missing Secret or key, a bad field path):
/// it waits with <c>CreateContainerConfigError</c> and this message.</summary>
public sealed class ContainerConfigException : Exception
{
    public ContainerConfigException()
        : base("the container's configuration cannot be resolved")
    {
    }

    public ContainerConfigException(string message)
        : base(message)
    {
    }

    public ContainerConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
