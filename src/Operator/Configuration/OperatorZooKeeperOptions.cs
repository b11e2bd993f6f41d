namespace ZkSync.Operator.Configuration;

/// <summary>The default ensemble and the operator's admin credentials on it.</summary>
public sealed class OperatorZooKeeperOptions
{
    /// <summary><c>host:port,host:port</c>: the ensemble of sessions that name none.</summary>
    public string? Servers { get; set; }

    public string AdminUser { get; set; } = "zksync-operator";

    public string? AdminPassword { get; set; }

    /// <summary>A file holding the admin password (its first line), e.g. a mounted Secret; read at start.</summary>
    public string? AdminPasswordFile { get; set; }

    public int SessionTimeoutSeconds { get; set; } = 10;

    public int ConnectTimeoutSeconds { get; set; } = 10;
}
