namespace ZkSync.Operator.Reconciliation;

/// <summary>What the operator's configuration gives every worker pod unless the session says otherwise.</summary>
/// <param name="Image">The zkrsync image (the operator's own: one image for both).</param>
/// <param name="Command">The container's command; empty, the image's ENTRYPOINT runs (e.g. tini).</param>
/// <param name="ArgsPrefix">What comes before zkrsync's options in args, e.g. <c>["zkrsync"]</c> after the image's tini.</param>
/// <param name="ImagePullPolicy">Null: Kubernetes' default for the image's tag.</param>
public sealed record WorkerDefaults(
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> ArgsPrefix,
    string? ImagePullPolicy = null)
{
    /// <summary>Where the source volume is mounted in the master and source pods.</summary>
    public const string SourceMountPath = "/data/source";

    /// <summary>Where the destination volume is mounted in destination pods.</summary>
    public const string DestinationMountPath = "/data/destination";

    /// <summary>Where the session Secret's rsync secret is mounted.</summary>
    public const string SecretMountPath = "/etc/zkrsync";

    public const string RsyncSecretKey = "rsync-secret";
    public const string UserKey = "user";
    public const string PasswordKey = "password";

    /// <summary>zkrsync's batch lists and rsyncd configs (an emptyDir: the root filesystem is read-only).</summary>
    public const string TmpPath = "/tmp";
}
