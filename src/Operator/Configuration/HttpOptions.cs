namespace ZkSync.Operator.Configuration;

/// <summary>Where /healthz, /readyz and /metrics listen: the pod IP (POD_IP) unless an address is given.</summary>
public sealed class HttpOptions
{
    public string? Address { get; set; }

    public int Port { get; set; } = 8080;
}
