using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Storage;

/// <summary>
/// The server's storage, as etcd is to a real one: objects of every resource as JSON, one global
/// resourceVersion counter bumped by every write, and a history of recent changes that watches
/// replay from. Writes are compare-and-swap on the resourceVersion; semantics (defaults,
/// validation, deletion) live above, in <see cref="Api.ResourceService"/>.
/// Objects handed in or out are copies: nothing outside ever holds a stored instance.
/// </summary>
public sealed class ObjectStore
{
    /// <summary>How many changes are kept for watches by default (the real watch cache keeps ~100-1000 per resource).</summary>
    public const int DefaultRetainedEvents = 20_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string StorageKey, string Key)> _byUid = new(StringComparer.Ordinal);
    private readonly Queue<StoreEvent> _history = new();
    private readonly List<StoreWatch> _watches = [];
    private long _resourceVersion;
    private long _compactedThrough;
    private int _retainedEvents = DefaultRetainedEvents;

    /// <summary>The resourceVersion of the latest write.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>
    /// How many of the latest changes watches can start from; older resourceVersions get 410 Gone.
    /// Setting it drops what falls outside at once (tests use it to force a 410).
    /// </summary>
    public int RetainedEvents
    {
        get
        {
            lock (_gate)
            {
                return _retainedEvents;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate)
            {
                _retainedEvents = value;
                Compact();
            }
        }
    }

    /// <summary>Changes older than this resourceVersion are gone from the history.</summary>
    public long CompactedThrough
    {
        get
        {
            lock (_gate)
            {
                return _compactedThrough;
            }
        }
    }

    public static string KeyOf(string? ns, string name) => ns is null ? name : $"{ns}/{name}";

    public JsonObject? Get(string storageKey, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(storageKey, out var objects) && objects.TryGetValue(KeyOf(ns, name), out var found)
                ? (JsonObject)found.DeepClone()
                : null;
        }
    }

    /// <summary>Finds an object by uid: its storage key and a copy of it.</summary>
    public (string StorageKey, JsonObject Object)? GetByUid(string uid)
    {
        lock (_gate)
        {
            if (!_byUid.TryGetValue(uid, out var location) ||
                !_objects.TryGetValue(location.StorageKey, out var objects) ||
                !objects.TryGetValue(location.Key, out var found))
            {
                return null;
            }

            return (location.StorageKey, (JsonObject)found.DeepClone());
        }
    }

    /// <summary>
    /// Lists a resource's objects in key order (namespace, then name), starting after
    /// <paramref name="startAfterKey"/>, keeping those <paramref name="predicate"/> accepts, at most
    /// <paramref name="limit"/> (0: all). Returns the page, the store's resourceVersion and the key
    /// of the last object returned when more remain.
    /// </summary>
    public StoreListResult List(string storageKey, string? ns, Func<JsonObject, bool>? predicate = null, int limit = 0, string? startAfterKey = null)
    {
        var items = new List<JsonObject>();
        lock (_gate)
        {
            if (!_objects.TryGetValue(storageKey, out var objects))
            {
                return new StoreListResult(items, _resourceVersion, null);
            }

            var prefix = ns is null ? null : ns + "/";
            string? lastKey = null;
            foreach (var (key, value) in objects)
            {
                if (prefix is not null && !key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (startAfterKey is not null && string.CompareOrdinal(key, startAfterKey) <= 0)
                {
                    continue;
                }

                if (predicate is not null && !predicate(value))
                {
                    continue;
                }

                if (limit > 0 && items.Count == limit)
                {
                    return new StoreListResult(items, _resourceVersion, lastKey);
                }

                items.Add((JsonObject)value.DeepClone());
                lastKey = key;
            }

            return new StoreListResult(items, _resourceVersion, null);
        }
    }

    /// <summary>Stores a new object, giving it the next resourceVersion.</summary>
    public JsonObject Create(string storageKey, string? ns, string name, JsonObject obj)
    {
        lock (_gate)
        {
            var objects = Objects(storageKey);
            var key = KeyOf(ns, name);
            if (objects.ContainsKey(key))
            {
                throw new StoreException(StoreError.AlreadyExists, $"{key} already exists");
            }

            var stored = Stamp(obj);
            objects[key] = stored;
            if (Uid(stored) is { } uid)
            {
                _byUid[uid] = (storageKey, key);
            }

            Append(WatchEventType.Added, storageKey, ns, stored, null);
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>Replaces an object if it is still at <paramref name="expectedResourceVersion"/>.</summary>
    public JsonObject Update(string storageKey, string? ns, string name, JsonObject obj, long expectedResourceVersion)
    {
        lock (_gate)
        {
            var objects = Objects(storageKey);
            var key = KeyOf(ns, name);
            if (!objects.TryGetValue(key, out var current))
            {
                throw new StoreException(StoreError.NotFound, $"{key} not found");
            }

            if (ResourceVersionOf(current) != expectedResourceVersion)
            {
                throw new StoreException(StoreError.Conflict, $"{key} changed since {expectedResourceVersion}");
            }

            var stored = Stamp(obj);
            objects[key] = stored;
            Append(WatchEventType.Modified, storageKey, ns, stored, current);
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>Removes an object if it is still at <paramref name="expectedResourceVersion"/> (any when null).</summary>
    public JsonObject Delete(string storageKey, string? ns, string name, long? expectedResourceVersion)
    {
        lock (_gate)
        {
            var objects = Objects(storageKey);
            var key = KeyOf(ns, name);
            if (!objects.TryGetValue(key, out var current))
            {
                throw new StoreException(StoreError.NotFound, $"{key} not found");
            }

            if (expectedResourceVersion is { } expected && ResourceVersionOf(current) != expected)
            {
                throw new StoreException(StoreError.Conflict, $"{key} changed since {expected}");
            }

            objects.Remove(key);
            if (Uid(current) is { } uid)
            {
                _byUid.Remove(uid);
            }

            // The DELETED event carries the object as it was, at the deletion's resourceVersion (as etcd's watch does).
            var deleted = Stamp(current);
            Append(WatchEventType.Deleted, storageKey, ns, deleted, current);
            return (JsonObject)deleted.DeepClone();
        }
    }

    /// <summary>
    /// Subscribes to changes of one resource (or all when <paramref name="storageKey"/> is null) in one
    /// namespace (or all). With <paramref name="fromResourceVersion"/> the changes after it are replayed
    /// first (<see cref="StoreError.Expired"/> when they are no longer retained); without it, every current
    /// object comes first as an addition when <paramref name="sendInitialState"/>.
    /// </summary>
    public StoreWatch Watch(string? storageKey, string? ns, long? fromResourceVersion, bool sendInitialState, bool bookmarks, bool inProcess = false)
    {
        lock (_gate)
        {
            var watch = new StoreWatch(storageKey, ns, bookmarks, inProcess, Unsubscribe);
            if (fromResourceVersion is { } from)
            {
                if (from < _compactedThrough)
                {
                    throw new StoreException(StoreError.Expired, string.Create(
                        CultureInfo.InvariantCulture, $"too old resource version: {from} ({_compactedThrough + 1})"));
                }

                foreach (var past in _history)
                {
                    if (past.ResourceVersion > from && watch.Matches(past.StorageKey, past.Namespace))
                    {
                        watch.Publish(CopyOf(past));
                    }
                }
            }
            else if (sendInitialState)
            {
                foreach (var (key, objects) in _objects)
                {
                    if (storageKey is not null && key != storageKey)
                    {
                        continue;
                    }

                    foreach (var obj in objects.Values)
                    {
                        var objNs = Namespace(obj);
                        if (watch.Matches(key, objNs))
                        {
                            watch.Publish(new StoreEvent(ResourceVersionOf(obj), WatchEventType.Added, key, objNs, (JsonObject)obj.DeepClone(), null));
                        }
                    }
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    /// <summary>Sends every watch that asked for them a BOOKMARK at the current resourceVersion.</summary>
    public void PublishBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                if (watch.WantsBookmarks)
                {
                    watch.Publish(new StoreEvent(_resourceVersion, WatchEventType.Bookmark, watch.StorageKey ?? "", watch.Namespace, new JsonObject(), null));
                }
            }
        }
    }

    /// <summary>Test hook: ends every client's open watch (each must re-watch, or relist); in-process controllers keep theirs.</summary>
    public int DropWatches(WatchDropMode mode)
    {
        lock (_gate)
        {
            var dropped = _watches.Where(w => !w.InProcess).ToList();
            foreach (var watch in dropped)
            {
                watch.Drop(mode);
                _watches.Remove(watch);
            }

            return dropped.Count;
        }
    }

    /// <summary>How many clients' watches are open on a resource (or any) in a namespace (or any): tests wait on it to know a client is watching.</summary>
    public int OpenWatches(string? storageKey = null, string? ns = null)
    {
        lock (_gate)
        {
            return _watches.Count(w => !w.InProcess && (storageKey is null || w.StorageKey == storageKey) && (ns is null || w.Namespace == ns));
        }
    }

    internal static long ResourceVersionOf(JsonObject obj) =>
        Resources.JsonValues.String(obj["metadata"]?["resourceVersion"]) is { } text &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    private static string? Uid(JsonObject obj) => Resources.JsonValues.String(obj["metadata"]?["uid"]);

    private static string? Namespace(JsonObject obj) => Resources.JsonValues.String(obj["metadata"]?["namespace"]);

    private static StoreEvent CopyOf(StoreEvent e) =>
        e with { Object = (JsonObject)e.Object.DeepClone(), Previous = (JsonObject?)e.Previous?.DeepClone() };

    private SortedDictionary<string, JsonObject> Objects(string storageKey)
    {
        if (!_objects.TryGetValue(storageKey, out var objects))
        {
            objects = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storageKey] = objects;
        }

        return objects;
    }

    private JsonObject Stamp(JsonObject obj)
    {
        var stored = (JsonObject)obj.DeepClone();
        if (stored["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            stored["metadata"] = metadata;
        }

        metadata["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        return stored;
    }

    private void Append(WatchEventType type, string storageKey, string? ns, JsonObject stored, JsonObject? previous)
    {
        var change = new StoreEvent(_resourceVersion, type, storageKey, ns, stored, previous);
        _history.Enqueue(change);
        Compact();
        foreach (var watch in _watches)
        {
            if (watch.Matches(storageKey, ns))
            {
                watch.Publish(CopyOf(change));
            }
        }
    }

    private void Compact()
    {
        while (_history.Count > _retainedEvents)
        {
            _compactedThrough = _history.Dequeue().ResourceVersion;
        }

        if (_retainedEvents == 0)
        {
            _compactedThrough = _resourceVersion;
        }
    }

    private void Unsubscribe(StoreWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }
}
