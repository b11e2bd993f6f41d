using ZkSync.Contracts;
using ZkSync.Worker.Rsync;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>The nine <c>S/stats/&lt;Key&gt;</c> counters (kazoo <c>Counter</c>s) that sources add rsync's <c>--stats</c> to.</summary>
internal sealed class SessionStats
{
    private readonly Dictionary<string, Counter> _counters;
    private bool _ensured;

    public SessionStats(WorkerSession session)
    {
        _counters = ZnodeLayout.StatKeys.ToDictionary(
            key => key,
            key => new Counter(session.Client, ZnodeLayout.Stat(session.Name, key), 0, session.Recipes),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds one run's figures (all counters at once, each with its own versioned retry loop). Like the
    /// original, every counter node exists after a source's first run; unlike it, a zero is not written.
    /// </summary>
    public async Task AddAsync(RsyncStats stats, CancellationToken cancellationToken)
    {
        var ensure = !_ensured;
        await Task.WhenAll(_counters.Select(pair => stats[pair.Key] != 0
            ? pair.Value.AddAsync(stats[pair.Key], cancellationToken)
            : ensure ? pair.Value.GetValueAsync(cancellationToken) : Task.CompletedTask)).ConfigureAwait(false);
        _ensured = true;
    }

    /// <summary>Every counter's value (missing counters read as 0), in the original's key order.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken)
    {
        var values = await Task.WhenAll(ZnodeLayout.StatKeys.Select(async key =>
        {
            try
            {
                return await _counters[key].GetValueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                return 0L;
            }
        })).ConfigureAwait(false);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            result[ZnodeLayout.StatKeys[i]] = values[i];
        }

        return result;
    }
}
