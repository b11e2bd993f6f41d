using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZkSync.ZooKeeper;

/// <summary>How to reach the ensemble and what session to ask for.</summary>
public sealed record ZooKeeperClientOptions
{
    /// <summary><c>host:port[,host:port...][/chroot]</c>; hosts are tried in shuffled order.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The session timeout asked for; the server may negotiate it into its [min, max] range.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="ZooKeeperClient.ConnectAsync"/> tries before giving up with <see cref="ConnectionLossException"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Set both to resume an existing session (e.g. after a process restart); 0 starts a new one.</summary>
    public long SessionId { get; init; }

    public ReadOnlyMemory<byte> SessionPassword { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Shuffles the server list; tests may fix the order.</summary>
    public Random Random { get; init; } = Random.Shared;
}
