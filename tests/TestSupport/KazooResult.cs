namespace ZkSync.Testing;

/// <summary>What a <see cref="KazooScript"/> run produced.</summary>
public sealed record KazooResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws with stdout and stderr in the message unless the script exited with 0.</summary>
    public KazooResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException(
            $"The kazoo script exited with code {ExitCode}.\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
}
