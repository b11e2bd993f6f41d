using Microsoft.Extensions.Logging;
using ZkSync.Worker.InitTree;

namespace ZkSync.Worker.Cli;

/// <summary>Options of <c>zkrsync initree</c> (the original <c>zkinitree</c>), validated, with the tree plan.</summary>
public sealed record InitTreeOptions(
    IReadOnlyList<string> Servers,
    IReadOnlyList<string> ConfigFiles,
    LogLevel LogLevel,
    TimeSpan ConnectTimeout,
    InitTreePlan Plan);
