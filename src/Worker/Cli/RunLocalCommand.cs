using ZkSync.Worker.Local;

namespace ZkSync.Worker.Cli;

/// <summary><c>zkrsync local SRC DST</c>.</summary>
public sealed record RunLocalCommand(LocalOptions Options) : CliCommand;
