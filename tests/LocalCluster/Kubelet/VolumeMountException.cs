namespace ZkSync.LocalCluster.Kubelet;

/// <summary>A pod volume the kubelet cannot set up: the pod stays <c>ContainerCreating</c> with a <c>FailedMount</c>
/// event, worded <c>MountVolume.SetUp failed for volume "NAME" : WHY</c>.</summary>
public sealed class VolumeMountException : Exception
{
    public VolumeMountException(string volume, string reason)
        : base($"MountVolume.SetUp failed for volume \"{volume}\" : {reason}")
    {
        Volume = volume;
    }

    public VolumeMountException()
        : this("", "unknown")
    {
    }

    public VolumeMountException(string message)
        : base(message)
    {
        Volume = "";
    }

    public VolumeMountException(string message, Exception innerException)
        : base(message, innerException)
    {
        Volume = "";
    }

    public string Volume { get; } = "";
}
