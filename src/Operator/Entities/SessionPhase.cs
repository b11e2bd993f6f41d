namespace ZkSync.Operator.Entities;

/// <summary>Values of <c>status.phase</c> (the CRD's enum).</summary>
public static class SessionPhase
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Succeeded, Failed, Suspended];
}
