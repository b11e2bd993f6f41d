using System.Text.Json.Nodes;
using System.Threading.Channels;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// A watch on one resource as a client asked for it: the store's changes filtered by namespace and
/// selectors (an object leaving the selection arrives as DELETED, one entering as ADDED, as the real
/// watch cache does), in the version the client asked for.
/// </summary>
public sealed class ResourceWatch : IDisposable
{
    private readonly StoreWatch _watch;
    private readonly ResourceType _type;
    private readonly LabelSelector _labels;
    private readonly FieldSelector _fields;

    internal ResourceWatch(StoreWatch watch, ResourceType type, LabelSelector labels, FieldSelector fields)
    {
        _watch = watch;
        _type = type;
        _labels = labels;
        _fields = fields;
    }

    /// <summary>The next event, or null when the watch ended; throws <see cref="WatchDroppedException"/> when a test hook reset it.</summary>
    public async ValueTask<WatchEventItem?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            StoreEvent change;
            try
            {
                if (!await _watch.Events.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                if (!_watch.Events.TryRead(out change!))
                {
                    continue;
                }
            }
            catch (ChannelClosedException e) when (e.InnerException is WatchDroppedException dropped)
            {
                throw dropped;
            }

            if (Translate(change) is { } item)
            {
                return item;
            }
        }
    }

    public void Dispose() => _watch.Dispose();

    private WatchEventItem? Translate(StoreEvent change)
    {
        if (change.Type == WatchEventType.Bookmark)
        {
            return new WatchEventItem(WatchEventType.Bookmark, new JsonObject
            {
                ["kind"] = _type.Kind,
                ["apiVersion"] = _type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = change.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }

        var now = Selected(change.Object);
        var before = change.Previous is not null && Selected(change.Previous);
        var type = change.Type switch
        {
            WatchEventType.Added => now ? WatchEventType.Added : (WatchEventType?)null,
            WatchEventType.Modified when now && before => WatchEventType.Modified,
            WatchEventType.Modified when now => WatchEventType.Added,
            WatchEventType.Modified when before => WatchEventType.Deleted,
            WatchEventType.Deleted => before || now ? WatchEventType.Deleted : null,
            _ => null,
        };
        return type is { } t ? new WatchEventItem(t, ResourceService.AsServed(_type, change.Object, inList: false)) : null;
    }

    private bool Selected(JsonObject obj) => _labels.Matches(Metadata.Labels(obj)) && _fields.Matches(obj);
}
