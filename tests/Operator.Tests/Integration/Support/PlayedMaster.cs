using System.Text;
using ZkSync.Contracts;
using ZkSync.Operator.ZooKeeper;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// Writes what our zkrsync master writes in a pass's ZooKeeper session, as it does: with the session's digest
/// credentials (from the Secret the operator made) and their ACL on every node: <c>S/watch/ready</c> once it owns
/// the session, <c>S/progress</c> while it runs, <c>S/summary</c> at its end.
/// </summary>
public sealed class PlayedMaster : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly IReadOnlyList<Acl> _acl;
    private readonly string _session;

    private PlayedMaster(ZooKeeperClient client, IReadOnlyList<Acl> acl, string session)
    {
        _client = client;
        _acl = acl;
        _session = session;
    }

    public static async Task<PlayedMaster> ConnectAsync(string servers, string session, ZooKeeperCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers }).ConfigureAwait(false);
        await client.AddDigestAuthAsync(credentials.User, credentials.Password).ConfigureAwait(false);
        return new PlayedMaster(client, [Acl.Digest(credentials.User, credentials.Password, Permissions.All)], session);
    }

    public ZooKeeperClient Client => _client;

    /// <summary>The master won the session lock and started the session: <c>S/watch/ready</c> = start.</summary>
    public async Task OwnSessionAsync()
    {
        await _client.EnsurePathAsync(ZnodeLayout.Watch(_session), _acl).ConfigureAwait(false);
        await _client.CreateAsync(ZnodeLayout.Ready(_session), Encoding.ASCII.GetBytes(ZnodeLayout.ReadyStart), _acl).ConfigureAwait(false);
    }

    public Task ReportAsync(SessionProgress progress) => WriteAsync(ZnodeLayout.Progress(_session), progress.ToJsonBytes());

    public Task FinishAsync(SessionSummaryDocument summary) => WriteAsync(ZnodeLayout.Summary(_session), Encoding.UTF8.GetBytes(summary.ToJson()));

    /// <summary>A progress report of <paramref name="total"/> paths, <paramref name="completed"/> of them done.</summary>
    public static SessionProgress Progress(long total, long completed, long failed = 0, double elapsedSeconds = 10, long bytes = 0, IReadOnlyList<FailedPath>? failedPaths = null) => new(
        total, WalkDone: true, completed, failed, total - completed - failed, PathsInFlight: Math.Min(2, total - completed - failed),
        new Dictionary<string, long> { [ZnodeLayout.StatKeys[0]] = completed * 10, [ZnodeLayout.StatKeys[1]] = completed * 10, [ZnodeLayout.StatKeys[2]] = bytes, [ZnodeLayout.StatKeys[3]] = bytes },
        failedPaths ?? [], elapsedSeconds, DateTimeOffset.UtcNow, "10.244.0.10:1");

    /// <summary>The summary of a pass that ended for <paramref name="reason"/>.</summary>
    public SessionSummaryDocument Summary(
        long completed, long failed = 0, string reason = SessionEndReason.Completed, IReadOnlyList<FailedPath>? failedPaths = null, long bytes = 0) => new(
        _session, completed, failed, 0, failedPaths ?? [],
        new Dictionary<string, long>
        {
            [ZnodeLayout.StatKeys[0]] = completed * 10, [ZnodeLayout.StatKeys[1]] = completed * 10, [ZnodeLayout.StatKeys[2]] = bytes, [ZnodeLayout.StatKeys[3]] = bytes,
        },
        12.5, failed == 0 ? ExitCodes.Success : ExitCodes.PathsFailed, reason, reason == SessionEndReason.Completed ? "every path was synced" : $"{failed} path(s) failed",
        DateTimeOffset.UtcNow);

    /// <summary>What an original master leaves for others to count (it writes no progress document): kazoo
    /// LockingQueue entries (<c>&lt;rec&gt;_&lt;path&gt;</c>) in <paramref name="queue"/>.</summary>
    public async Task QueueEntriesAsync(string queue, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var entries = ZnodeLayout.QueueEntriesPath(queue);
        await _client.EnsurePathAsync(entries, _acl).ConfigureAwait(false);
        foreach (var path in paths)
        {
            await _client.CreateAsync(entries + "/entry-100-", Encoding.UTF8.GetBytes("0_" + path), _acl, CreateMode.PersistentSequential).ConfigureAwait(false);
        }
    }

    /// <summary>An original <c>S/stats</c> counter (kazoo Counter: the number as ASCII text).</summary>
    public Task CounterAsync(string key, long value) => WriteAsync(ZnodeLayout.Stat(_session, key), Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync() => await _client.DisposeAsync().ConfigureAwait(false);

    private async Task WriteAsync(string path, byte[] data)
    {
        try
        {
            await _client.SetDataAsync(path, data).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            await _client.EnsurePathAsync(path[..path.LastIndexOf('/')], _acl).ConfigureAwait(false);
            await _client.CreateAsync(path, data, _acl).ConfigureAwait(false);
        }
    }
}
