using ZkSync.Operator.Configuration;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Controller;

/// <summary>What the reconciler takes from the configuration.</summary>
/// <param name="DefaultServers">The ensemble of sessions that name none (null: such sessions stall).</param>
/// <param name="StatusInterval">A running session's numbers are written at most this often.</param>
/// <param name="NetworkPolicies">Each session gets its own NetworkPolicy.</param>
public sealed record SessionControllerSettings(WorkerDefaults Workers, string? DefaultServers, TimeSpan StatusInterval, bool NetworkPolicies = false)
{
    /// <summary>How long a recorded pass's unfinished Jobs may go on finishing by themselves before they are suspended
    /// (and its znodes removed).</summary>
    public TimeSpan FinishedJobsGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The DNS ports a session's NetworkPolicy lets its workers reach (UDP and TCP).</summary>
    public IReadOnlyList<int> DnsPorts { get; init; } = [NetworkPolicyOptions.DefaultDnsPort];
}
