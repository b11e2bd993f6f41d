using System.Collections.Concurrent;
using System.Text;
using ZkSync.ZooKeeper.Recipes;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>An interop participant using our recipes on its own session.</summary>
internal sealed class OurActor(string name, ZooKeeperClient client, RecipeOptions options) : IRecipeActor
{
    private readonly ConcurrentDictionary<string, DistributedLock> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LockingQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BulkLockingQueue> _bulkQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<QueueItem>> _batches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Party> _parties = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public static async Task<OurActor> StartAsync(string name, TestChroot chroot, CancellationToken cancellationToken) =>
        new(name, await chroot.ConnectAsUserAsync(cancellationToken), chroot.RecipeOptions);

    public Task<bool> LockAcquireAsync(string path, string identifier, bool blocking, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var recipe = _locks.GetOrAdd(path, p => new DistributedLock(client, p, identifier, options));
        return blocking ? recipe.AcquireAsync(timeout, cancellationToken) : recipe.TryAcquireAsync(cancellationToken);
    }

    public Task<bool> LockReleaseAsync(string path, CancellationToken cancellationToken) => _locks[path].ReleaseAsync(cancellationToken);

    public Task<IReadOnlyList<string>> LockContendersAsync(string path, CancellationToken cancellationToken) =>
        _locks.GetOrAdd(path, p => new DistributedLock(client, p, null, options)).GetContendersAsync(cancellationToken);

    public Task QueuePutAsync(string path, string value, int priority, CancellationToken cancellationToken) =>
        Queue(path).PutAsync(Encoding.UTF8.GetBytes(value), priority, cancellationToken);

    public Task QueuePutAllAsync(string path, IReadOnlyList<string> values, int priority, CancellationToken cancellationToken) =>
        Queue(path).PutAllAsync([.. values.Select(Encoding.UTF8.GetBytes)], priority, cancellationToken);

    public async Task<string?> QueueGetAsync(string path, TimeSpan? timeout, CancellationToken cancellationToken) =>
        await Queue(path).GetAsync(timeout, cancellationToken) is { } value ? Encoding.UTF8.GetString(value) : null;

    public Task<bool> QueueConsumeAsync(string path, CancellationToken cancellationToken) => Queue(path).ConsumeAsync(cancellationToken);

    public Task<bool> QueueReleaseAsync(string path, CancellationToken cancellationToken) => Queue(path).ReleaseAsync(cancellationToken);

    public Task<int> QueueCountAsync(string path, CancellationToken cancellationToken) => Queue(path).CountAsync(cancellationToken);

    public async Task<IReadOnlyList<string>> QueueTakeBatchAsync(string path, int count, CancellationToken cancellationToken)
    {
        var batch = await BulkQueue(path).TakeAsync(count, timeout: TimeSpan.Zero, cancellationToken: cancellationToken);
        _batches[path] = batch;
        return [.. batch.Select(item => Encoding.UTF8.GetString(item.Value))];
    }

    public async Task<int> QueueConsumeBatchAsync(string path, string donePath, CancellationToken cancellationToken)
    {
        var done = BulkQueue(donePath);
        await done.EnsureAsync(cancellationToken);
        var consumed = await BulkQueue(path).ConsumeAsync(_batches[path], item => done.PutOps([item.Value]), cancellationToken);
        return consumed.Count;
    }

    public Task PartyJoinAsync(string path, string identifier, CancellationToken cancellationToken) =>
        _parties.GetOrAdd(path, p => new Party(client, p, identifier, options)).JoinAsync(cancellationToken);

    public Task PartyLeaveAsync(string path, CancellationToken cancellationToken) => _parties[path].LeaveAsync(cancellationToken);

    public Task<IReadOnlyList<string>> PartyMembersAsync(string path, CancellationToken cancellationToken) =>
        _parties.GetOrAdd(path, p => new Party(client, p, null, options)).GetMembersAsync(cancellationToken);

    public Task<long> CounterAddAsync(string path, long delta, CancellationToken cancellationToken) =>
        Counter(path).AddAsync(delta, cancellationToken);

    public Task<long> CounterValueAsync(string path, CancellationToken cancellationToken) => Counter(path).GetValueAsync(cancellationToken);

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private LockingQueue Queue(string path) => _queues.GetOrAdd(path, p => new LockingQueue(client, p, options));

    private BulkLockingQueue BulkQueue(string path) => _bulkQueues.GetOrAdd(path, p => new BulkLockingQueue(client, p, options));

    private Counter Counter(string path) => _counters.GetOrAdd(path, p => new Counter(client, p, 0, options));
}
