namespace ZkSync.LocalCluster.Hosting;

/// <summary>
/// Where the cluster keeps what it makes on the host, all under one data directory that goes when the cluster stops:
/// the kubelet's runtime (pods' directories, logs) and the directories of provisioned volumes.
/// </summary>
public sealed record ClusterPaths(string DataDirectory)
{
    /// <summary>The process runtime's directory (<see cref="Kubelet.Runtime.ProcessRuntimeOptions.RootDirectory"/>).</summary>
    public string KubeletDirectory => Path.Combine(DataDirectory, "kubelet");

    /// <summary>Where the default StorageClass's provisioner makes a directory per volume.</summary>
    public string VolumesDirectory => Path.Combine(DataDirectory, "volumes");
}
