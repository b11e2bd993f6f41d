using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Controller;

/// <summary>What the reconciler takes from the configuration.</summary>
/// <param name="DefaultServers">The ensemble of sessions that name none (null: such sessions stall).</param>
/// <param name="StatusInterval">A running session's numbers are written at most this often.</param>
/// <param name="NetworkPolicies">Each session gets its own NetworkPolicy.</param>
public sealed record SessionControllerSettings(WorkerDefaults Workers, string? DefaultServers, TimeSpan StatusInterval, bool NetworkPolicies = false);
