using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// The one watch loop of the in-process controllers: every current object first, then each change,
/// handed to <c>handle</c> one at a time; <c>settle</c> runs whenever no further change is waiting
/// (where level-triggered work such as "is the namespace empty yet?" belongs). A handler's
/// failure is logged and the loop goes on.
/// </summary>
public static class StoreEventLoop
{
    public static async Task RunAsync(
        ObjectStore store, string? storageKey, Action<StoreEvent> handle, Action? settle, ILogger logger, CancellationToken cancellationToken)
    {
        using var watch = store.Watch(storageKey, null, fromResourceVersion: null, sendInitialState: true, bookmarks: false, inProcess: true);
        while (await watch.Events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (watch.Events.TryRead(out var change))
            {
                Guarded(() => handle(change), logger);
            }

            if (settle is not null)
            {
                Guarded(settle, logger);
            }
        }
    }

    private static void Guarded(Action action, ILogger logger)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // A controller must outlive one object's failure, as a real controller requeues it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Controller step failed");
        }
    }
}
