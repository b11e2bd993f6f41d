using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's <c>DataWatch</c>: the node's data now and after every change, creation and deletion
/// included. It reads with a data watch, or with an exists watch while the node is missing, and
/// reports a snapshot whenever the node's mzxid differs from the last one reported (so changes in
/// quick succession may be seen as one, as in kazoo). The client re-arms the watch after a reconnect.
/// </summary>
public sealed class DataWatch
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly ChangeSignal _changed = new();

    public DataWatch(ZooKeeperClient client, string path, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<DataWatch>();
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// The first snapshot at once, then one per change. Ends quietly when cancelled or when the
    /// client is closed; throws <see cref="SessionExpiredException"/> when the session expires.
    /// </summary>
    public async IAsyncEnumerable<NodeSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? lastMzxid = null;
        var first = true;
        while (true)
        {
            var changed = _changed.Arm();
            NodeSnapshot snapshot;
            try
            {
                snapshot = await ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            var mzxid = snapshot.Stat?.Mzxid;
            if (first || mzxid != lastMzxid)
            {
                first = false;
                lastMzxid = mzxid;
                yield return snapshot;
            }

            WatchedEvent watchedEvent;
            try
            {
                watchedEvent = await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (watchedEvent is { Type: WatchEventType.None, State: ZooKeeperState.Closed })
            {
                _logger.LogDebug("DataWatch {Path}: client closed, stopping", Path);
                yield break;
            }
        }
    }

    /// <summary>Calls <paramref name="onChange"/> with every snapshot until it returns false (kazoo's
    /// "return False"), the token is cancelled or the client is closed.</summary>
    public async Task RunAsync(Func<NodeSnapshot, CancellationToken, ValueTask<bool>> onChange, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        await foreach (var snapshot in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await onChange(snapshot, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private Task<NodeSnapshot> ReadAsync(CancellationToken cancellationToken) =>
        _options.RetryPolicy.ExecuteAsync(async token =>
        {
            while (true)
            {
                try
                {
                    var data = await _client.GetDataAsync(Path, _changed.Watcher, token).ConfigureAwait(false);
                    return new NodeSnapshot(data.Data, data.Stat);
                }
                catch (NoNodeException)
                {
                    // Missing: watch for its creation; if it appeared meanwhile, read it again.
                    if (await _client.ExistsAsync(Path, _changed.Watcher, token).ConfigureAwait(false) is null)
                    {
                        return new NodeSnapshot(null, null);
                    }
                }
            }
        }, cancellationToken);
}
