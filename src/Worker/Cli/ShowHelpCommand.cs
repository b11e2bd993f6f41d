namespace ZkSync.Worker.Cli;

/// <summary>Print <paramref name="Text"/> to stdout and exit 0.</summary>
public sealed record ShowHelpCommand(string Text) : CliCommand;
