using System.Collections.Concurrent;
using System.Diagnostics;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.Benchmarks.Operator;

/// <summary>
/// Every write the API server stores in the namespace, as it happens: when the operator holds its Lease, when every
/// session has its master Job and a status with its pass, when writes stop, and how many (by resource and change)
/// there are in a window. The Lease's renewals are never counted.
/// </summary>
internal sealed class WriteTracker(string ns)
{
    private const string Leases = "leases.coordination.k8s.io";
    private const string Sessions = "zkrsyncsessions.zksync.io";

    private readonly ConcurrentDictionary<string, byte> _masters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _statused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counted = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _leaseHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _sinceLastWrite = Stopwatch.StartNew();
    private readonly TaskCompletionSource _reconciled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, long> _statusPatches = new(StringComparer.Ordinal);
    private int _target = int.MaxValue;
    private volatile bool _counting;
    private volatile IReadOnlySet<string>? _patchedSessions;

    public Task LeaseHeld => _leaseHeld.Task;

    public void OnWritten(StoredChange change)
    {
        var metadata = change.Object["metadata"];
        if (metadata?["namespace"]?.GetValue<string>() != ns)
        {
            return;
        }

        var resource = change.Type.GroupResource;
        var name = metadata["name"]?.GetValue<string>() ?? string.Empty;
        if (resource == Leases)
        {
            if (change.Object["spec"]?["holderIdentity"] is not null)
            {
                _leaseHeld.TrySetResult();
            }

            return;
        }

        lock (_sinceLastWrite)
        {
            _sinceLastWrite.Restart();
        }

        if (_counting)
        {
            _counted.AddOrUpdate($"{resource} {change.Change}", 1, (_, n) => n + 1);
        }

        if (resource == Sessions && change.Change == WatchEventType.Modified && _patchedSessions?.Contains(name) == true)
        {
            _statusPatches.AddOrUpdate(name, 1, (_, n) => n + 1);
        }

        if (resource == "jobs.batch" && name.EndsWith("-master", StringComparison.Ordinal))
        {
            _masters.TryAdd(name, 0);
        }
        else if (resource == Sessions && change.Object["status"]?["pass"]?.GetValue<int>() >= 1)
        {
            _statused.TryAdd(name, 0);
        }

        CheckReconciled();
    }

    public async Task WaitReconciledAsync(int sessions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _target, sessions);
        CheckReconciled();
        try
        {
            await _reconciled.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"after {timeout.TotalSeconds:0} s, {_masters.Count} master Jobs and {_statused.Count} statuses of {sessions} sessions");
        }
    }

    /// <summary>Returns once no write has come for <paramref name="quiet"/> (or after <paramref name="limit"/>).</summary>
    public async Task WaitQuietAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (waited.Elapsed < limit && SinceLastWrite < quiet)
        {
            await ticks.WaitForNextTickAsync(cancellationToken);
        }
    }

    public void StartCounting()
    {
        _counted.Clear();
        _counting = true;
    }

    public IReadOnlyDictionary<string, long> StopCounting()
    {
        _counting = false;
        return new Dictionary<string, long>(_counted, StringComparer.Ordinal);
    }

    /// <summary>Counts the writes of <paramref name="sessions"/> (a running session's are its status patches).</summary>
    public void StartCountingPatches(IEnumerable<string> sessions)
    {
        _statusPatches.Clear();
        _patchedSessions = sessions.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The writes of each counted session since <see cref="StartCountingPatches"/> (zero included).</summary>
    public IReadOnlyDictionary<string, long> StopCountingPatches()
    {
        var sessions = _patchedSessions ?? new HashSet<string>();
        _patchedSessions = null;
        return sessions.ToDictionary(s => s, s => _statusPatches.GetValueOrDefault(s), StringComparer.Ordinal);
    }

    private TimeSpan SinceLastWrite
    {
        get
        {
            lock (_sinceLastWrite)
            {
                return _sinceLastWrite.Elapsed;
            }
        }
    }

    private void CheckReconciled()
    {
        var target = Volatile.Read(ref _target);
        if (_masters.Count >= target && _statused.Count >= target)
        {
            _reconciled.TrySetResult();
        }
    }
}
