namespace ZkSync.Operator.Entities;

/// <summary>Reasons of the Events the operator records on a ZkRsyncSession.</summary>
public static class EventReasons
{
    public const string SessionStarted = "SessionStarted";
    public const string WorkersReady = "WorkersReady";
    public const string PathFailed = "PathFailed";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string CleanupBlocked = "CleanupBlocked";
    public const string Stalled = "Stalled";
}
