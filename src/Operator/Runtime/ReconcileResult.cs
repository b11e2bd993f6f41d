namespace ZkSync.Operator.Runtime;

/// <summary>What a reconcile asks of the work queue: nothing more, or another look after a delay.</summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; } = new(null);

    public static ReconcileResult RequeueIn(TimeSpan delay) => new(delay);

    /// <summary>The sooner of two requeues (null: none).</summary>
    public static ReconcileResult Sooner(ReconcileResult a, ReconcileResult b) =>
        (a.RequeueAfter, b.RequeueAfter) switch
        {
            (null, _) => b,
            (_, null) => a,
            ({ } x, { } y) => new ReconcileResult(x <= y ? x : y),
        };
}
