namespace ZkSync.Worker.Cli;

/// <summary>Run a zkrsync role.</summary>
public sealed record RunZkRsyncCommand(ZkRsyncOptions Options) : CliCommand;
