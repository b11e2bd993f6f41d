using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// The ZooKeeper side of one zkrsync process, as the original's <c>VscKazooClient</c>: a client with
/// digest auth <c>user:passwd</c> and a 10 s session (<c>--zk-session-timeout</c>), every node created with
/// the one digest ACL, the session's name and this process's <c>whoami</c>. Every ZooKeeper operation a
/// role makes goes through <see cref="Retry"/> (here, or in a recipe given <see cref="Recipes"/>), so a
/// dropped connection or a restarted server costs a retry, not the worker. <see cref="Lost"/> fires when
/// the ZooKeeper session ends under us (expired, auth failed): the worker must then stop its rsync
/// (fencing) and exit.
/// </summary>
internal sealed class WorkerSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly List<Party> _parties = [];

    private WorkerSession(ZooKeeperClient client, ZkRsyncOptions options, string whoAmI, ILoggerFactory loggerFactory, TimeProvider time)
    {
        Client = client;
        Options = options;
        Name = options.Session;
        WhoAmI = whoAmI;
        LoggerFactory = loggerFactory;
        Time = time;
        Acl = [ZooKeeper.Acl.Digest(options.User, options.Passwd, Permissions.All)];
        Retry = new ZooKeeperRetryPolicy { TimeProvider = time };
        Recipes = new RecipeOptions { Acl = Acl, LoggerFactory = loggerFactory, TimeProvider = time, RetryPolicy = Retry, KnownNodes = new KnownNodes() };
        client.StateChanged += OnStateChanged;
    }

    public ZooKeeperClient Client { get; }

    public ZkRsyncOptions Options { get; }

    /// <summary>The zkrsync session name (<c>-N</c>).</summary>
    public string Name { get; }

    public string WhoAmI { get; }

    public IReadOnlyList<Acl> Acl { get; }

    /// <summary>The one retry policy of this process: every operation is retried on connection loss until the session is lost.</summary>
    public ZooKeeperRetryPolicy Retry { get; }

    public RecipeOptions Recipes { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Time { get; }

    /// <summary>Cancelled when the ZooKeeper session is lost for good.</summary>
    public CancellationToken Lost => _lost.Token;

    public static async Task<WorkerSession> OpenAsync(
        ZkRsyncOptions options, string whoAmI, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions
            {
                ConnectionString = ConnectionStringOf(options.Servers),
                SessionTimeout = options.SessionTimeout,
                ConnectTimeout = options.ConnectTimeout,
                LoggerFactory = loggerFactory,
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            // Idempotent, so retried like everything else: the first connection may drop right after the handshake.
            await new ZooKeeperRetryPolicy { TimeProvider = time }.ExecuteAsync(
                token => client.AddDigestAuthAsync(options.User, options.Passwd, token), cancellationToken).ConfigureAwait(false);
            return new WorkerSession(client, options, whoAmI, loggerFactory, time);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>--servers</c> as a connection string (the original's hosts joined with commas).</summary>
    public static string ConnectionStringOf(IReadOnlyList<string> servers) => string.Join(',', servers);

    /// <summary>
    /// This worker's member node in party <c>allsd</c>, as a <see cref="VersionMarker"/> for transactions that must not
    /// apply twice (the stats a source adds): only this worker writes it, its data stays its whoami (what the
    /// original reads), its version counts those transactions. Null before <see cref="JoinPartiesAsync"/> joined allsd.
    /// </summary>
    public VersionMarker? Marker { get; private set; }

    /// <summary>Joins the named parties of this session (<c>S/parties/&lt;party&gt;</c>) with <see cref="WhoAmI"/>, all in one transaction.</summary>
    public async Task JoinPartiesAsync(IEnumerable<string> parties, CancellationToken cancellationToken)
    {
        var joining = parties.Select(name => (Name: name, Party: NewParty(name))).ToList();
        await Party.JoinAllAsync([.. joining.Select(joined => joined.Party)], cancellationToken).ConfigureAwait(false);
        foreach (var (name, party) in joining)
        {
            _parties.Add(party);
            if (name == ZnodeLayout.PartyAll)
            {
                Marker = await VersionMarker.LoadAsync(Client, KazooNames.Combine(party.Path, party.NodeName), Retry, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Party NewParty(string party) => new(Client, ZnodeLayout.Party(Name, party), WhoAmI, Recipes);

    public BulkLockingQueue NewQueue(string path) => new(Client, path, Recipes);

    public DistributedLock NewLock(string path, string identifier) => new(Client, path, identifier, Recipes);

    /// <summary>Node data as the original reads it: UTF-8 text, null for a missing node.</summary>
    public async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken) =>
        await ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } data ? Encoding.UTF8.GetString(data.Data) : null;

    /// <summary>Data and stat of a node, null when it is missing.</summary>
    public async Task<DataResult?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.ExecuteAsync(token => Client.GetDataAsync(path, null, token), cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    public Task<Stat?> ExistsAsync(string path, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(token => Client.ExistsAsync(path, null, token), cancellationToken);

    /// <summary>The children of a node, empty when it is missing.</summary>
    public async Task<IReadOnlyList<string>> ChildrenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await Retry.ExecuteAsync(token => Client.GetChildrenAsync(path, null, token), cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return [];
        }
    }

    /// <summary>Sets a node's data whatever its version (the same write twice is harmless).</summary>
    public Task SetTextAsync(string path, string value, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(token => Client.SetDataAsync(path, Encoding.UTF8.GetBytes(value), -1, token), cancellationToken);

    public Task EnsurePathAsync(string path, CancellationToken cancellationToken) =>
        Client.EnsurePathAsync(path, Recipes, cancellationToken);

    /// <summary>Makes the missing ones of these nodes of this session (and their ancestors) in one transaction after one
    /// read (see <see cref="ZooKeeperClientRecipeExtensions.EnsureTreeAsync"/>); from then on ensuring them is free.</summary>
    public Task EnsureSessionNodesAsync(IEnumerable<string> paths, CancellationToken cancellationToken) =>
        Client.EnsureTreeAsync(ZnodeLayout.Session(Name), paths, Recipes, cancellationToken);

    /// <summary>Deletes these subtrees of the session in as few transactions as fit (see
    /// <see cref="ZooKeeperClientRecipeExtensions.DeleteTreesAsync"/>): for a master's cleanup, when nobody else writes.</summary>
    public Task DeleteTreesAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
        Client.DeleteTreesAsync(paths, Recipes, cancellationToken);

    /// <summary>As <see cref="DeleteTreesAsync(IReadOnlyList{string}, CancellationToken)"/>, the lock (held) released in the
    /// last transaction: one flushed write less at the end of a session. Released anyway when the deletes fell back to one by one.</summary>
    public async Task DeleteTreesAndReleaseAsync(IReadOnlyList<string> paths, DistributedLock heldLock, CancellationToken cancellationToken)
    {
        if (heldLock.IsAcquired)
        {
            await Client.DeleteTreesAsync(paths, Recipes, heldLock.ReleaseWithAsync, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Client.DeleteTreesAsync(paths, Recipes, cancellationToken).ConfigureAwait(false);
        }

        await heldLock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteRecursiveAsync(string path, CancellationToken cancellationToken)
    {
        Recipes.KnownNodes!.ForgetUnder(path);
        return Client.DeleteRecursiveAsync(path, Retry, cancellationToken);
    }

    /// <summary>Deletes a node whatever its version; a missing node is not an error.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await Retry.ExecuteAsync(token => Client.DeleteAsync(path, -1, token), cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            // Gone already (also: deleted by our own request whose reply was lost).
        }
    }

    /// <summary>
    /// Creates a node of a fixed name with <see cref="Acl"/>. When a retry after a lost reply finds it there, it
    /// counts as ours if it is (ephemeral: owned by our session; persistent: holding our data); otherwise, as
    /// when it was there before, <see cref="NodeExistsException"/>.
    /// </summary>
    public Task CreateAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(async (attempt, token) =>
        {
            try
            {
                await Client.CreateAsync(path, data, Acl, mode, token).ConfigureAwait(false);
            }
            catch (NodeExistsException) when (attempt.IsRetry)
            {
                // Created by our earlier attempt whose reply was lost, or by someone else.
                if (!await IsOursAsync(path, data, mode, token).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }, cancellationToken);

    /// <summary>
    /// Creates persistent nodes of fixed names with <see cref="Acl"/> in one transaction (one flushed write). When a retry
    /// after a lost reply finds the first there holding our data, the transaction had applied (all or nothing); the first
    /// node's data must be this process's own (e.g. stamped with the time and our whoami) for that to tell.
    /// </summary>
    public Task CreateTogetherAsync(IReadOnlyList<(string Path, byte[] Data)> nodes, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(async (attempt, token) =>
        {
            try
            {
                await Client.MultiAsync([.. nodes.Select(node => Op.Create(node.Path, node.Data, Acl, CreateMode.Persistent))], token).ConfigureAwait(false);
            }
            catch (NodeExistsException) when (attempt.IsRetry)
            {
                if (!await IsOursAsync(nodes[0].Path, nodes[0].Data, CreateMode.Persistent, token).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.StateChanged -= OnStateChanged;
        await Client.DisposeAsync().ConfigureAwait(false);
        _lost.Dispose();
    }

    private async Task<bool> IsOursAsync(string path, ReadOnlyMemory<byte> data, CreateMode mode, CancellationToken cancellationToken)
    {
        await Client.SyncAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            var found = await Client.GetDataAsync(path, null, cancellationToken).ConfigureAwait(false);
            return mode.IsEphemeral() ? found.Stat.EphemeralOwner == Client.SessionId : found.Data.AsSpan().SequenceEqual(data.Span);
        }
        catch (NoNodeException)
        {
            return false;
        }
    }

    private void OnStateChanged(object? sender, ZooKeeperState state)
    {
        if (state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed)
        {
            _lost.Cancel();
        }
    }
}
