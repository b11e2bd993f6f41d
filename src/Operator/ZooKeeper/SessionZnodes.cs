using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Operator.ZooKeeper;

/// <summary>
/// What the operator does to the session tree as its admin: <c>/admin/rsync</c> made once with the admin's digest
/// ACL (so only the operator creates session nodes), each pass's session node made with rights for that session's
/// credentials (and the admin) only, and a resource's session nodes removed when it is done with them.
/// Each call ends within the deadline: the client queues requests while ZooKeeper is away, and a reconcile waiting
/// on them would hold its key (a deletion could not even say it is blocked).
/// </summary>
public sealed partial class SessionZnodes
{
    private readonly ZooKeeperConnections _connections;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionZnodes> _logger;

    public SessionZnodes(ZooKeeperConnections connections, TimeSpan deadline, TimeProvider time, ILogger<SessionZnodes> logger)
    {
        _connections = connections;
        _deadline = deadline;
        _time = time;
        _logger = logger;
    }

    /// <summary>Creates <c>/admin/rsync/&lt;session&gt;</c> (and <c>/admin/rsync</c> if missing); an existing node is kept.</summary>
    public Task EnsureSessionAsync(string servers, string session, ZooKeeperCredentials credentials, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(servers, async token =>
        {
            await EnsureSessionCoreAsync(servers, session, credentials, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Removes every session node whose name starts with <paramref name="prefix"/> (all passes of a resource);
    /// returns how many. Nodes below were made by the workers with the session's ACL: its credentials delete them.</summary>
    public Task<int> DeleteSessionsAsync(string servers, string prefix, ZooKeeperCredentials credentials, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(servers, token => DeleteSessionsCoreAsync(servers, prefix, credentials, token), cancellationToken);

    /// <summary>Removes one pass's session node.</summary>
    public Task DeleteSessionAsync(string servers, string session, ZooKeeperCredentials credentials, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(servers, async token =>
        {
            await DeleteSessionCoreAsync(servers, session, credentials, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task<T> WithinDeadlineAsync<T>(string servers, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_deadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await operation(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectionLossException(message: $"no answer from ZooKeeper at {servers} within {_deadline.TotalSeconds:0.#} s");
        }
    }

    private async Task EnsureSessionCoreAsync(string servers, string session, ZooKeeperCredentials credentials, CancellationToken cancellationToken)
    {
        var client = await _connections.GetAsync(servers, credentials, cancellationToken).ConfigureAwait(false);
        var admin = _connections.Admin;
        IReadOnlyList<Acl> adminOnly = [Acl.Digest(admin.User, admin.Password, Permissions.All)];
        await ZooKeeperRetryPolicy.Default.ExecuteAsync(async token =>
        {
            Task Create() => client.CreateAsync(ZnodeLayout.Session(session), ReadOnlyMemory<byte>.Empty,
                [Acl.Digest(credentials.User, credentials.Password, Permissions.All), .. adminOnly], CreateMode.Persistent, token);
            try
            {
                try
                {
                    await Create().ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    // The first session on this ensemble: make /admin/rsync, then the node. (Created first, not checked
                    // first: one request per new session instead of two.)
                    await client.EnsurePathAsync(ZnodeLayout.RsyncBase, adminOnly, token).ConfigureAwait(false);
                    await Create().ConfigureAwait(false);
                }

                LogCreated(_logger, ZnodeLayout.Session(session), credentials.User);
            }
            catch (NodeExistsException)
            {
                // Made by an earlier attempt whose reply was lost, or by a reconcile before a restart.
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> DeleteSessionsCoreAsync(string servers, string prefix, ZooKeeperCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var client = await _connections.GetAsync(servers, credentials, cancellationToken).ConfigureAwait(false);
        return await ZooKeeperRetryPolicy.Default.ExecuteAsync(async token =>
        {
            IReadOnlyList<string> children;
            try
            {
                children = (await client.GetChildrenAsync(ZnodeLayout.RsyncBase, null, token).ConfigureAwait(false)).Children;
            }
            catch (NoNodeException)
            {
                return 0;
            }

            var deleted = 0;
            foreach (var child in children.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)))
            {
                await client.DeleteRecursiveAsync(ZnodeLayout.Session(child), token).ConfigureAwait(false);
                deleted++;
                LogDeleted(_logger, ZnodeLayout.Session(child));
            }

            return deleted;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteSessionCoreAsync(string servers, string session, ZooKeeperCredentials credentials, CancellationToken cancellationToken)
    {
        var client = await _connections.GetAsync(servers, credentials, cancellationToken).ConfigureAwait(false);
        await ZooKeeperRetryPolicy.Default.ExecuteAsync(
            token => client.DeleteRecursiveAsync(ZnodeLayout.Session(session), token), cancellationToken).ConfigureAwait(false);
        LogDeleted(_logger, ZnodeLayout.Session(session));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created ZooKeeper session node {Path} for {User}")]
    private static partial void LogCreated(ILogger logger, string path, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted ZooKeeper session node {Path}")]
    private static partial void LogDeleted(ILogger logger, string path);
}
