namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// The client's one-shot watches by kind and server path (chroot included). A watch is added only
/// after the server accepted it, fires at most once, and is re-armed with SetWatches on reconnect.
/// </summary>
internal sealed class WatchRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _exist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Action<WatchedEvent>>> _child = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds what a reply with <paramref name="error"/> armed on the server: a data or child watch when the
    /// call succeeded; for exists, a data watch on an existing node and a creation watch on a missing one
    /// (as the Java client's ExistsWatchRegistration). Nothing when the call failed otherwise.
    /// </summary>
    public void Add(WatchRegistration watch, ZooKeeperErrorCode error)
    {
        var map = (watch.Kind, error) switch
        {
            (WatchKind.Data or WatchKind.Exists, ZooKeeperErrorCode.Ok) => _data,
            (WatchKind.Exists, ZooKeeperErrorCode.NoNode) => _exist,
            (WatchKind.Child, ZooKeeperErrorCode.Ok) => _child,
            _ => null,
        };
        if (map is not null)
        {
            Add(map, watch.ServerPath, watch.Watcher);
        }
    }

    /// <summary>Removes and returns the watchers that an event of this type on this path fires.</summary>
    public List<Action<WatchedEvent>> Materialize(WatchEventType type, string serverPath)
    {
        var result = new List<Action<WatchedEvent>>();
        lock (_gate)
        {
            switch (type)
            {
                case WatchEventType.NodeCreated:
                case WatchEventType.NodeDataChanged:
                    Take(_data, serverPath, result);
                    Take(_exist, serverPath, result);
                    break;
                case WatchEventType.NodeDeleted:
                    Take(_data, serverPath, result);
                    Take(_exist, serverPath, result);
                    Take(_child, serverPath, result);
                    break;
                case WatchEventType.NodeChildrenChanged:
                    Take(_child, serverPath, result);
                    break;
                default:
                    break;
            }
        }

        return result;
    }

    /// <summary>Removes and returns every watcher (the session ended, none will fire).</summary>
    public List<Action<WatchedEvent>> TakeAll()
    {
        lock (_gate)
        {
            var result = new HashSet<Action<WatchedEvent>>();
            foreach (var map in new[] { _data, _exist, _child })
            {
                foreach (var set in map.Values)
                {
                    result.UnionWith(set);
                }

                map.Clear();
            }

            return [.. result];
        }
    }

    /// <summary>The paths to re-arm after a reconnect: data, exist and child watches.</summary>
    public (List<string> Data, List<string> Exist, List<string> Child) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _data.Keys], [.. _exist.Keys], [.. _child.Keys]);
        }
    }

    private void Add(Dictionary<string, HashSet<Action<WatchedEvent>>> map, string path, Action<WatchedEvent> watcher)
    {
        lock (_gate)
        {
            if (!map.TryGetValue(path, out var set))
            {
                set = [];
                map[path] = set;
            }

            set.Add(watcher);
        }
    }

    private static void Take(Dictionary<string, HashSet<Action<WatchedEvent>>> map, string path, List<Action<WatchedEvent>> into)
    {
        if (map.Remove(path, out var set))
        {
            foreach (var watcher in set)
            {
                if (!into.Contains(watcher))
                {
                    into.Add(watcher);
                }
            }
        }
    }
}
