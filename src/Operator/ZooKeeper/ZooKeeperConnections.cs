using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ZkSync.ZooKeeper;

namespace ZkSync.Operator.ZooKeeper;

/// <summary>
/// One ZooKeeper client per ensemble (connection string), authenticated as the operator's admin and, on demand, as
/// each session whose nodes it reads or removes (digest auth accumulates on a connection, and the client sends it
/// again after every reconnect). A client whose session expired is replaced by a new one.
/// </summary>
public sealed partial class ZooKeeperConnections : IAsyncDisposable
{
    private readonly ZooKeeperCredentials _admin;
    private readonly ZooKeeperConnectionSettings _settings;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ZooKeeperConnections(ZooKeeperCredentials admin, ZooKeeperConnectionSettings settings, ILoggerFactory loggerFactory)
    {
        _admin = admin;
        _settings = settings;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ZooKeeperConnections>();
    }

    public ZooKeeperCredentials Admin => _admin;

    public ZooKeeperConnectionSettings Settings => _settings;

    /// <summary>Raised with the ensemble's connection string when one of its clients changes state.</summary>
    public event Action<string, ZooKeeperState>? StateChanged;

    /// <summary>A connected (or reconnecting) client for the ensemble, authenticated as the admin.</summary>
    public async Task<ZooKeeperClient> GetAsync(string servers, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(servers);
        var entry = _entries.GetOrAdd(servers, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Client is { State: ZooKeeperState.Connected or ZooKeeperState.Disconnected or ZooKeeperState.Connecting } live)
            {
                return live;
            }

            if (entry.Client is { } dead)
            {
                LogReplacing(_logger, servers, dead.State);
                await dead.DisposeAsync().ConfigureAwait(false);
                entry.Client = null;
            }

            var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
            {
                ConnectionString = servers,
                SessionTimeout = _settings.SessionTimeout,
                ConnectTimeout = _settings.ConnectTimeout,
                LoggerFactory = _loggerFactory,
            }, cancellationToken).ConfigureAwait(false);
            client.StateChanged += (_, state) => StateChanged?.Invoke(servers, state);
            await client.AddDigestAuthAsync(_admin.User, _admin.Password, cancellationToken).ConfigureAwait(false);
            lock (entry.Authenticated)
            {
                entry.Client = client;
                entry.Authenticated.Clear();
            }

            return client;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>A client for the ensemble that also holds <paramref name="session"/>'s digest auth.</summary>
    public async Task<ZooKeeperClient> GetAsync(string servers, ZooKeeperCredentials session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var client = await GetAsync(servers, cancellationToken).ConfigureAwait(false);
        var entry = _entries[servers];
        var id = session.User + ":" + session.Password;
        Task? auth;
        lock (entry.Authenticated)
        {
            // Every caller waits for the one auth request of these credentials (a concurrent caller that went ahead
            // before it was answered would be refused with NoAuth, e.g. a new leader's first reconcile and follow).
            if (entry.Client != client)
            {
                auth = null;
            }
            else if (!entry.Authenticated.TryGetValue(id, out auth) || auth.IsFaulted || auth.IsCanceled)
            {
                auth = entry.Authenticated[id] = client.AddDigestAuthAsync(session.User, session.Password, CancellationToken.None);
            }
        }

        if (auth is not null)
        {
            try
            {
                await auth.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!auth.IsCompletedSuccessfully)
            {
                lock (entry.Authenticated)
                {
                    if (entry.Authenticated.TryGetValue(id, out var current) && current == auth && auth.IsCompleted)
                    {
                        entry.Authenticated.Remove(id);
                    }
                }

                throw;
            }
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Client is { } client)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            entry.Gate.Dispose();
        }

        _entries.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ZooKeeper client for {Servers} is {State}: connecting a new one")]
    private static partial void LogReplacing(ILogger logger, string servers, ZooKeeperState state);

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ZooKeeperClient? Client { get; set; }

        /// <summary>The auth request of each session's credentials on <see cref="Client"/>, by <c>user:password</c>.</summary>
        public Dictionary<string, Task> Authenticated { get; } = new(StringComparer.Ordinal);
    }
}
