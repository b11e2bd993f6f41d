namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>What a client command printed and how it exited.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with everything the command printed when it failed.</summary>
    public CommandResult EnsureSuccess() =>
        Succeeded ? this : throw new InvalidOperationException($"`{Command}` exited with {ExitCode}:\n{Output}\n{Error}");

    public override string ToString() => $"`{Command}` -> {ExitCode}\n{Output}\n{Error}";
}
