namespace ZkSync.Operator.Runtime;

/// <summary>Brings one object (by its work-queue key, <c>namespace/name</c>) towards what it asks for. Throwing
/// means "try again with back-off"; the result's requeue means "look again then".</summary>
public interface IReconciler
{
    Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken);
}
