namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>
/// One participant of an interop scenario, backed by kazoo (<see cref="KazooActor"/>) or by our
/// recipes (<see cref="OurActor"/>), so one scenario can run kazoo-only and mixed and the two trees
/// can be compared. Recipe objects are kept per path: one actor is one contender/consumer/member.
/// </summary>
internal interface IRecipeActor : IAsyncDisposable
{
    string Name { get; }

    Task<bool> LockAcquireAsync(string path, string identifier, bool blocking, TimeSpan? timeout, CancellationToken cancellationToken);

    Task<bool> LockReleaseAsync(string path, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> LockContendersAsync(string path, CancellationToken cancellationToken);

    Task QueuePutAsync(string path, string value, int priority, CancellationToken cancellationToken);

    Task QueuePutAllAsync(string path, IReadOnlyList<string> values, int priority, CancellationToken cancellationToken);

    Task<string?> QueueGetAsync(string path, TimeSpan? timeout, CancellationToken cancellationToken);

    Task<bool> QueueConsumeAsync(string path, CancellationToken cancellationToken);

    Task<bool> QueueReleaseAsync(string path, CancellationToken cancellationToken);

    Task<int> QueueCountAsync(string path, CancellationToken cancellationToken);

    /// <summary>Takes up to <paramref name="count"/> free entries at once (kazoo: one LockingQueue object per entry, as
    /// many original workers would; ours: one BulkLockingQueue taking a batch). Returns their values.</summary>
    Task<IReadOnlyList<string>> QueueTakeBatchAsync(string path, int count, CancellationToken cancellationToken);

    /// <summary>Consumes the batch taken last, putting each value into the queue at <paramref name="donePath"/> as it goes
    /// (ours: all in one transaction). Returns how many were consumed.</summary>
    Task<int> QueueConsumeBatchAsync(string path, string donePath, CancellationToken cancellationToken);

    Task PartyJoinAsync(string path, string identifier, CancellationToken cancellationToken);

    Task PartyLeaveAsync(string path, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> PartyMembersAsync(string path, CancellationToken cancellationToken);

    Task<long> CounterAddAsync(string path, long delta, CancellationToken cancellationToken);

    Task<long> CounterValueAsync(string path, CancellationToken cancellationToken);
}
