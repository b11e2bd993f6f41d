using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// The ZooKeeper side of one zkrsync process, as the original's <c>VscKazooClient</c>: a client with
/// digest auth <c>user:passwd</c> and a 10 s session, every node created with the one digest ACL, the
/// session's name and this process's <c>whoami</c>. <see cref="Lost"/> fires when the ZooKeeper session
/// ends under us (expired, auth failed): the worker must then stop its rsync (fencing) and exit.
/// </summary>
internal sealed class WorkerSession : IAsyncDisposable
{
    /// <summary>The session timeout the original asks for.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _lost = new();
    private readonly List<Party> _parties = [];

    private WorkerSession(ZooKeeperClient client, ZkRsyncOptions options, string whoAmI, ILoggerFactory loggerFactory)
    {
        Client = client;
        Options = options;
        Name = options.Session;
        WhoAmI = whoAmI;
        LoggerFactory = loggerFactory;
        Acl = [ZooKeeper.Acl.Digest(options.User, options.Passwd, Permissions.All)];
        Recipes = new RecipeOptions { Acl = Acl, LoggerFactory = loggerFactory };
        client.StateChanged += OnStateChanged;
    }

    public ZooKeeperClient Client { get; }

    public ZkRsyncOptions Options { get; }

    /// <summary>The zkrsync session name (<c>-N</c>).</summary>
    public string Name { get; }

    public string WhoAmI { get; }

    public IReadOnlyList<Acl> Acl { get; }

    public RecipeOptions Recipes { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Cancelled when the ZooKeeper session is lost for good.</summary>
    public CancellationToken Lost => _lost.Token;

    public static async Task<WorkerSession> OpenAsync(
        ZkRsyncOptions options, string whoAmI, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions
            {
                ConnectionString = ConnectionStringOf(options.Servers),
                SessionTimeout = SessionTimeout,
                ConnectTimeout = options.ConnectTimeout,
                LoggerFactory = loggerFactory,
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            await client.AddDigestAuthAsync(options.User, options.Passwd, cancellationToken).ConfigureAwait(false);
            return new WorkerSession(client, options, whoAmI, loggerFactory);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>--servers</c> as a connection string (the original's hosts joined with commas).</summary>
    public static string ConnectionStringOf(IReadOnlyList<string> servers) => string.Join(',', servers);

    public string PathOf(Func<string, string> layout) => layout(Name);

    /// <summary>Joins the named parties of this session (<c>S/parties/&lt;party&gt;</c>) with <see cref="WhoAmI"/>.</summary>
    public async Task JoinPartiesAsync(IEnumerable<string> parties, CancellationToken cancellationToken)
    {
        foreach (var name in parties)
        {
            var party = new Party(Client, ZnodeLayout.Party(Name, name), WhoAmI, Recipes);
            await party.JoinAsync(cancellationToken).ConfigureAwait(false);
            _parties.Add(party);
        }
    }

    public Party NewParty(string party) => new(Client, ZnodeLayout.Party(Name, party), WhoAmI, Recipes);

    /// <summary>Node data as the original reads it: UTF-8 text, null for a missing node.</summary>
    public async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var data = await Client.GetDataAsync(path, null, cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(data.Data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    public Task SetTextAsync(string path, string value, CancellationToken cancellationToken) =>
        Client.SetDataAsync(path, Encoding.UTF8.GetBytes(value), -1, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.StateChanged -= OnStateChanged;
        await Client.DisposeAsync().ConfigureAwait(false);
        _lost.Dispose();
    }

    private void OnStateChanged(object? sender, ZooKeeperState state)
    {
        if (state is ZooKeeperState.Expired or ZooKeeperState.AuthFailed)
        {
            _lost.Cancel();
        }
    }
}
