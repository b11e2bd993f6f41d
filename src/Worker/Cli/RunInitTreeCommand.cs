namespace ZkSync.Worker.Cli;

/// <summary>Run zkinitree.</summary>
public sealed record RunInitTreeCommand(InitTreeOptions Options) : CliCommand;
