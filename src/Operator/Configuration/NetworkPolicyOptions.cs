namespace ZkSync.Operator.Configuration;

/// <summary>Whether each session gets a NetworkPolicy of its own (the chart's <c>networkPolicy.enabled</c>).</summary>
public sealed class NetworkPolicyOptions
{
    /// <summary>True: the operator creates one NetworkPolicy per session, owned by it, that limits its worker pods.</summary>
    public bool Enabled { get; set; }
}
