namespace ZkSync.Worker.Cli;

/// <summary>What the command line asks for.</summary>
public abstract record CliCommand;
