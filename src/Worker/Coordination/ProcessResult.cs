namespace ZkSync.Worker.Coordination;

/// <summary>How a child process ended, with what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;
}
