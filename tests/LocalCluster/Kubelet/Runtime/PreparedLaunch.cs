namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What a container instance is started with, checked before it starts: a configuration error keeps it
/// waiting; a null <see cref="Executable"/> ends it with StartError.</summary>
internal sealed record PreparedLaunch(
    string? ConfigurationError,
    ProcessIdentity? Identity,
    bool NoNewPrivileges,
    bool ReadOnlyRoot,
    string? Executable,
    string WorkingDir,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    IReadOnlyList<ContainerMount> Mounts)
{
    public static PreparedLaunch Refused(string error) => new(error, null, false, false, null, "/", [], []);
}
