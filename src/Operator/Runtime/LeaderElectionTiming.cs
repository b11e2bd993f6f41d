namespace ZkSync.Operator.Runtime;

/// <summary>Lease duration, renew deadline and retry period (KubernetesClient's defaults: 15 s, 10 s, 2 s).</summary>
public sealed record LeaderElectionTiming(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod);
