using System.Globalization;
using System.Text;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;

namespace ZkSync.Operator.Progress;

/// <summary>
/// Counts a session's progress from the original layout (PROTOCOL.md): the entries of <c>pathQueue</c>,
/// <c>completedQueue</c> and <c>failedQueue</c> (from their nodes' child counts, one request each), the nine
/// <c>S/stats</c> counters, and the first failed paths (<c>&lt;rec&gt;_&lt;path&gt;</c> entries).
/// </summary>
public static class QueueCounter
{
    public const string UnknownError = "failed every attempt (the original master records no error)";

    public static async Task<QueueCounts> CountAsync(ZooKeeperClient client, string session, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        var remaining = await ChildCountAsync(client, ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(session)), cancellationToken).ConfigureAwait(false);
        var completed = await ChildCountAsync(client, ZnodeLayout.QueueEntriesPath(ZnodeLayout.CompletedQueue(session)), cancellationToken).ConfigureAwait(false);
        var failedEntries = ZnodeLayout.QueueEntriesPath(ZnodeLayout.FailedQueue(session));
        var failed = await ChildCountAsync(client, failedEntries, cancellationToken).ConfigureAwait(false);
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in ZnodeLayout.StatKeys)
        {
            stats[key] = await ReadCounterAsync(client, ZnodeLayout.Stat(session, key), cancellationToken).ConfigureAwait(false);
        }

        var failedPaths = failed == 0 ? [] : await FailedPathsAsync(client, failedEntries, cancellationToken).ConfigureAwait(false);
        return new QueueCounts(remaining, completed, failed, stats, failedPaths, time.GetUtcNow());
    }

    /// <summary>The path of a queue entry's data <c>&lt;rec&gt;_&lt;path&gt;</c> (split at the first <c>_</c>).</summary>
    public static string PathOfEntry(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var underscore = data.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? data : data[(underscore + 1)..];
    }

    private static async Task<long> ChildCountAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken) =>
        (await client.ExistsAsync(path, null, cancellationToken).ConfigureAwait(false))?.NumChildren ?? 0;

    private static async Task<long> ReadCounterAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            var data = await client.GetDataAsync(path, null, cancellationToken).ConfigureAwait(false);
            return long.TryParse(Encoding.ASCII.GetString(data.Data).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        catch (NoNodeException)
        {
            return 0;
        }
    }

    private static async Task<IReadOnlyList<FailedPath>> FailedPathsAsync(ZooKeeperClient client, string entries, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names;
        try
        {
            names = (await client.GetChildrenAsync(entries, null, cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return [];
        }

        var paths = new List<FailedPath>();
        foreach (var name in names.Order(StringComparer.Ordinal).Take(SessionProgress.MaxListedFailures))
        {
            try
            {
                var data = await client.GetDataAsync(entries + "/" + name, null, cancellationToken).ConfigureAwait(false);
                paths.Add(new FailedPath(PathOfEntry(Encoding.UTF8.GetString(data.Data)), UnknownError));
            }
            catch (NoNodeException)
            {
                // Consumed meanwhile.
            }
        }

        return paths;
    }
}
