namespace ZkSync.Worker.Cli;

/// <summary>Print one error line (and a hint) to stderr and exit with the usage code.</summary>
public sealed record UsageErrorCommand(string Message) : CliCommand;
