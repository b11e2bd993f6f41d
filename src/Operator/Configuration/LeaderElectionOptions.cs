namespace ZkSync.Operator.Configuration;

/// <summary>Leader election with a Lease: only the leader watches and reconciles.</summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "zksync-operator";

    public double LeaseDurationSeconds { get; set; } = 15;

    public double RenewDeadlineSeconds { get; set; } = 10;

    public double RetryPeriodSeconds { get; set; } = 2;
}
