using Prometheus;

namespace ZkSync.Operator.Runtime;

/// <summary>The operator's Prometheus metrics (served on /metrics), on their own registry so tests and several
/// operators in one process do not share them.</summary>
public sealed class OperatorMetrics
{
    public OperatorMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Reconciles = factory.CreateCounter("zksync_reconciles_total", "Reconciles, by result (success, requeue, error).", "result");
        Errors = factory.CreateCounter("zksync_reconcile_errors_total", "Reconciles that failed and were retried with back-off.");
        Duration = factory.CreateHistogram("zksync_reconcile_duration_seconds", "How long reconciles take.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        QueueDepth = factory.CreateGauge("zksync_workqueue_depth", "Sessions waiting to be reconciled.");
        Leader = factory.CreateGauge("zksync_leader", "1 while this replica leads.");
        StatusWrites = factory.CreateCounter("zksync_status_patches_total", "Status patches written.");
        Paths = factory.CreateGauge("zksync_session_paths", "Paths of a session's current pass, by state (done, left, failed).", "namespace", "name", "state");
        Bytes = factory.CreateGauge("zksync_session_bytes_transferred", "Bytes a session's current pass transferred.", "namespace", "name");
    }

    public CollectorRegistry Registry { get; }

    public Counter Reconciles { get; }

    public Counter Errors { get; }

    public Histogram Duration { get; }

    public Gauge QueueDepth { get; }

    public Gauge Leader { get; }

    public Counter StatusWrites { get; }

    public Gauge Paths { get; }

    public Gauge Bytes { get; }

    public void SetSession(string @namespace, string name, long done, long left, long failed, long bytes)
    {
        Paths.WithLabels(@namespace, name, "done").Set(done);
        Paths.WithLabels(@namespace, name, "left").Set(left);
        Paths.WithLabels(@namespace, name, "failed").Set(failed);
        Bytes.WithLabels(@namespace, name).Set(bytes);
    }

    public void ForgetSession(string @namespace, string name)
    {
        foreach (var state in new[] { "done", "left", "failed" })
        {
            Paths.RemoveLabelled(@namespace, name, state);
        }

        Bytes.RemoveLabelled(@namespace, name);
    }
}
