namespace ZkSync.Operator.Entities;

/// <summary>Reasons of <c>status.conditions</c>, as constants (CamelCase, as Kubernetes asks).</summary>
public static class ConditionReasons
{
    public const string PassNotStarted = "PassNotStarted";
    public const string PassStarting = "PassStarting";
    public const string PassRunning = "PassRunning";
    public const string ChangesApplyNextPass = "ChangesApplyNextPass";
    public const string Completed = "Completed";
    public const string WaitingForSchedule = "WaitingForSchedule";
    public const string Suspended = "Suspended";
    public const string NotSuspended = "NotSuspended";
    public const string Progressing = "Progressing";
    public const string Deleting = "Deleting";

    // Failed
    public const string PathsFailed = "PathsFailed";
    public const string DestinationFull = "DestinationFull";
    public const string DestinationReadOnly = "DestinationReadOnly";
    public const string QuotaExceeded = "QuotaExceeded";
    public const string Interrupted = "Interrupted";
    public const string SessionLost = "SessionLost";
    public const string JobFailed = "JobFailed";
    public const string VolumeAccessMode = "VolumeAccessMode";
    public const string InvalidSpec = "InvalidSpec";

    // Stalled
    public const string Unschedulable = "Unschedulable";
    public const string PodCreationRefused = "PodCreationRefused";
    public const string ZooKeeperUnreachable = "ZooKeeperUnreachable";
    public const string ClaimNotFound = "ClaimNotFound";
    public const string SecretNotFound = "SecretNotFound";
    public const string ImagePullFailed = "ImagePullFailed";
    public const string CleanupBlocked = "CleanupBlocked";
}
