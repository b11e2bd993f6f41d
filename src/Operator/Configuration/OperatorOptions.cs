namespace ZkSync.Operator.Configuration;

/// <summary>
/// The operator's configuration (section <c>Operator</c> of appsettings.json, overridden by environment variables
/// such as <c>Operator__ZooKeeper__Servers</c> or <c>ZKSYNC_Operator__ZooKeeper__AdminPassword</c>).
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";

    /// <summary>Namespaces whose sessions the operator reconciles; empty, all.</summary>
    public List<string> WatchNamespaces { get; set; } = [];

    /// <summary>The operator's own namespace (its leader Lease lives there); default the pod's, from POD_NAMESPACE.</summary>
    public string? Namespace { get; set; }

    /// <summary>This replica's identity (Lease holder, Event reporter); default the pod name, from POD_NAME.</summary>
    public string? Instance { get; set; }

    /// <summary>Sessions reconciled at once. A reconcile mostly waits on the API server and ZooKeeper (a new session is
    /// four requests and a znode in sequence), so a burst of new sessions goes as fast as requests overlap: in
    /// bench/operator 1,000 new sessions took 85 s with 4 and 40 s with 16.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Server-side timeout of every watch.</summary>
    public int WatchTimeoutSeconds { get; set; } = 300;

    /// <summary>A running session's status is patched at most this often.</summary>
    public double StatusIntervalSeconds { get; set; } = 2;

    /// <summary>How long a finished pass's Jobs may go on finishing by themselves before they are suspended and the
    /// pass's znodes removed.</summary>
    public double FinishedJobsGraceSeconds { get; set; } = 30;

    public WorkerImageOptions Workers { get; set; } = new();

    public OperatorZooKeeperOptions ZooKeeper { get; set; } = new();

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public NetworkPolicyOptions NetworkPolicy { get; set; } = new();

    /// <summary>Every problem with the configuration, one line each (the operator refuses to start with any).</summary>
    public List<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Workers.Image))
        {
            problems.Add("Operator:Workers:Image is not set: the zkrsync image worker pods run");
        }

        if (string.IsNullOrWhiteSpace(ZooKeeper.AdminUser) || ZooKeeper.AdminUser.Contains(':', StringComparison.Ordinal))
        {
            problems.Add("Operator:ZooKeeper:AdminUser must be a digest user name without ':'");
        }

        if (string.IsNullOrEmpty(ZooKeeper.AdminPassword))
        {
            problems.Add("Operator:ZooKeeper:AdminPassword (or AdminPasswordFile) is not set: the operator's ZooKeeper credentials");
        }

        if (Concurrency < 1)
        {
            problems.Add("Operator:Concurrency must be at least 1");
        }

        if (FinishedJobsGraceSeconds < 0)
        {
            problems.Add("Operator:FinishedJobsGraceSeconds must not be negative");
        }

        if (NetworkPolicy.DnsPorts?.Any(p => p is < 1 or > 65535) == true)
        {
            problems.Add("Operator:NetworkPolicy:DnsPorts: every port must be 1-65535");
        }

        if (!Http.HasValidPort)
        {
            problems.Add("Operator:Http:Port must be 0-65535");
        }
        else if (Http.Address is not null && Http.ListenEndPoint(null) is null)
        {
            problems.Add($"Operator:Http:Address must be an IP address, localhost or * (every address), not '{Http.Address}'");
        }

        if (WatchTimeoutSeconds < 1)
        {
            problems.Add("Operator:WatchTimeoutSeconds must be at least 1");
        }

        if (LeaderElection.Enabled && !(LeaderElection.LeaseDurationSeconds > LeaderElection.RenewDeadlineSeconds && LeaderElection.RenewDeadlineSeconds > LeaderElection.RetryPeriodSeconds && LeaderElection.RetryPeriodSeconds > 0))
        {
            problems.Add("Operator:LeaderElection: LeaseDurationSeconds > RenewDeadlineSeconds > RetryPeriodSeconds > 0 is required");
        }

        return problems;
    }
}
