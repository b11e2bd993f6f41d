using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.Coordination;

/// <summary>One rsync (or netcat) run for a batch of paths; <see cref="Error"/> is one line saying why it failed.</summary>
internal sealed record TransferResult(int ExitCode, RsyncStats Stats, string Output, string Error = "")
{
    /// <summary>The destination is full, over quota or read-only (the reason, a <see cref="Contracts.SessionEndReason"/>,
    /// and rsync's line): its fault, not the path's; the path waits for a destination that can take it.</summary>
    public (string Reason, string Line)? CapacityError { get; init; }

    /// <summary>rsync exit codes that say the daemon could not be reached or talked to (5 start of
    /// protocol, 10 socket I/O, 12 protocol stream, 35 daemon connection timeout): the destination's
    /// fault, not the path's, so the path is retried elsewhere without counting an attempt.</summary>
    public bool IsDestinationError => ExitCode is 5 or 10 or 12 or 35;

    public bool Succeeded => ExitCode == 0;
}
