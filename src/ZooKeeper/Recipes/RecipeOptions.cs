using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>What every recipe shares: the ACL of the nodes it creates (kazoo's <c>default_acl</c>),
/// logging, time and the retry policy for idempotent steps. One instance can serve all recipes.</summary>
public sealed record RecipeOptions
{
    public static RecipeOptions Default { get; } = new();

    /// <summary>The ACL of every node a recipe creates, ancestors included.</summary>
    public IReadOnlyList<Acl> Acl { get; init; } = ZooKeeper.Acl.OpenUnsafe;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Retries steps that are safe to repeat after a lost connection.</summary>
    public ZooKeeperRetryPolicy RetryPolicy { get; init; } = ZooKeeperRetryPolicy.Default;

    /// <summary>Nodes known to exist (shared by the recipes of one process): their ensure-path is free. Null: always asked.</summary>
    public KnownNodes? KnownNodes { get; init; }
}
