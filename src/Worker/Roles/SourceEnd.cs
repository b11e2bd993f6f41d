namespace ZkSync.Worker.Roles;

/// <summary>How a source's run ended: with an exit code, or holding the session lock to go on as the master.</summary>
internal sealed record SourceEnd(int ExitCode, bool BecameMaster)
{
    public static SourceEnd Master { get; } = new(0, true);

    public static SourceEnd Exited(int exitCode) => new(exitCode, false);
}
