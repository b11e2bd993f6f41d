using System.Globalization;
using System.Text;
using ZkSync.Contracts;
using ZkSync.Worker.Rsync;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// The nine <c>S/stats/&lt;Key&gt;</c> counters (kazoo <c>Counter</c>s: ASCII decimal, empty = 0) that sources add rsync's
/// <c>--stats</c> to. One run's figures go in one transaction that writes every changed counter at the version it
/// was read at (another source adding meanwhile: read again and retry, as kazoo's Counter does) together with this
/// worker's marker (<see cref="WorkerSession.Marker"/>), so a lost reply never adds a run twice or not at all.
/// </summary>
internal sealed class SessionStats(WorkerSession session)
{
    private bool _ensured;

    /// <summary>Adds the figures of a batch's runs, summed, in one update. Like the original, every counter node exists
    /// after a source's first batch; unlike it, a zero is not written.</summary>
    public async Task AddAsync(IReadOnlyCollection<RsyncStats> runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (!_ensured)
        {
            // Sources reach their first batch together: the missing counters in one transaction, not node by node.
            await session.EnsureSessionNodesAsync([.. ZnodeLayout.StatKeys.Select(key => ZnodeLayout.Stat(session.Name, key))], cancellationToken).ConfigureAwait(false);
            _ensured = true;
        }

        var sums = ZnodeLayout.StatKeys.ToDictionary(key => key, key => runs.Sum(run => run[key]), StringComparer.Ordinal);
        var changed = ZnodeLayout.StatKeys.Where(key => sums[key] != 0).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var marker = session.Marker ?? throw new InvalidOperationException("only a worker in party allsd adds stats");
        while (true)
        {
            var current = await session.Client.ReadManyAsync([.. changed.Select(key => ZnodeLayout.Stat(session.Name, key))], session.Retry, cancellationToken)
                .ConfigureAwait(false);
            var writes = changed.Select((key, i) => (Op)Op.SetData(
                ZnodeLayout.Stat(session.Name, key),
                Encoding.ASCII.GetBytes(checked(Parse(current[i]?.Data) + sums[key]).ToString(CultureInfo.InvariantCulture)),
                current[i]?.Stat.Version ?? -1)).ToList();
            try
            {
                await marker.CommitAsync(writes, Encoding.UTF8.GetBytes(session.WhoAmI), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BadVersionException)
            {
                // Another source added meanwhile: read again.
            }
        }
    }

    /// <summary>Every counter's value (missing counters read as 0), in the original's key order.</summary>
    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(CancellationToken cancellationToken)
    {
        var values = await session.Client.ReadManyAsync([.. ZnodeLayout.StatKeys.Select(key => ZnodeLayout.Stat(session.Name, key))], session.Retry, cancellationToken)
            .ConfigureAwait(false);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            result[ZnodeLayout.StatKeys[i]] = Parse(values[i]?.Data);
        }

        return result;
    }

    /// <summary>kazoo's Counter value: Python's <c>int()</c> of the ASCII decimal; empty (or missing) is 0.</summary>
    private static long Parse(byte[]? data) =>
        data is null || data.Length == 0
            ? 0
            : long.Parse(Encoding.ASCII.GetString(data).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
