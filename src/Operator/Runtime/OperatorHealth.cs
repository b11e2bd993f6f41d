namespace ZkSync.Operator.Runtime;

/// <summary>What /healthz and /readyz report: alive while the runtime loop runs; ready once the CRD is served and,
/// on the leader, the caches have synced (a standby replica is ready: it can take over).</summary>
public sealed class OperatorHealth
{
    private volatile bool _crdServed;
    private volatile bool _leading;
    private volatile bool _synced;
    private volatile string? _fault;

    public bool CrdServed { get => _crdServed; set => _crdServed = value; }

    public bool Leading { get => _leading; set => _leading = value; }

    public bool Synced { get => _synced; set => _synced = value; }

    /// <summary>Why the runtime stopped, when it did.</summary>
    public string? Fault { get => _fault; set => _fault = value; }

    public bool IsAlive => _fault is null;

    public bool IsReady => _fault is null && _crdServed && (!_leading || _synced);

    public string Describe() =>
        _fault is not null ? "failed: " + _fault
        : !_crdServed ? "waiting for the ZkRsyncSession CRD to be served"
        : _leading ? (_synced ? "leading" : "leading, syncing caches")
        : "standby";
}
