using Microsoft.Extensions.Hosting;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>Sends BOOKMARK events to the watches that asked for them, at the configured interval.</summary>
public sealed class BookmarkTicker : BackgroundService
{
    private readonly ObjectStore _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;

    public BookmarkTicker(ObjectStore store, LocalApiServerOptions options)
    {
        _store = store;
        _interval = options.BookmarkInterval;
        _time = options.TimeProvider;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            _store.PublishBookmarks();
        }
    }
}
