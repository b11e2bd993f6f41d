using k8s;
using k8s.Models;

namespace ZkSync.Operator.Runtime;

/// <summary>
/// The objects a watcher has seen, by <c>namespace/name</c>, with one secondary index (e.g. the owning session), so
/// the reconciler reads Jobs and pods without asking the API server. Thread-safe.
/// </summary>
public sealed class ResourceCache<T> where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Func<T, string?> _indexKey;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, T>> _index = new(StringComparer.Ordinal);

    public ResourceCache(Func<T, string?>? indexKey = null) => _indexKey = indexKey ?? (_ => null);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _objects.Count;
            }
        }
    }

    public static string KeyOf(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";
    }

    public T? Get(string key)
    {
        lock (_lock)
        {
            return _objects.GetValueOrDefault(key);
        }
    }

    /// <summary>Objects whose index key is <paramref name="indexKey"/>.</summary>
    public IReadOnlyList<T> ByIndex(string indexKey)
    {
        lock (_lock)
        {
            return _index.TryGetValue(indexKey, out var items) ? [.. items.Values] : [];
        }
    }

    public IReadOnlyList<T> All()
    {
        lock (_lock)
        {
            return [.. _objects.Values];
        }
    }

    /// <summary>Stores the object; returns the one it replaced.</summary>
    public T? Upsert(T item)
    {
        var key = KeyOf(item);
        lock (_lock)
        {
            var old = RemoveLocked(key);
            _objects[key] = item;
            if (_indexKey(item) is { } index)
            {
                if (!_index.TryGetValue(index, out var items))
                {
                    _index[index] = items = new Dictionary<string, T>(StringComparer.Ordinal);
                }

                items[key] = item;
            }

            return old;
        }
    }

    public T? Remove(T item)
    {
        lock (_lock)
        {
            return RemoveLocked(KeyOf(item));
        }
    }

    /// <summary>Makes the cache hold exactly <paramref name="items"/> in the listed namespace (after a relist); returns
    /// the objects that are gone, so their owners hear of it.</summary>
    /// <param name="items">What the list returned.</param>
    /// <param name="listedNamespace">The namespace the list covered; null: every namespace. A cache filled by one
    /// watcher per namespace must not lose the other namespaces' objects when one of them lists.</param>
    public IReadOnlyList<T> Replace(IReadOnlyList<T> items, string? listedNamespace)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_lock)
        {
            var keep = items.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
            var gone = _objects
                .Where(o => !keep.Contains(o.Key) && (listedNamespace is null || o.Value.Metadata.NamespaceProperty == listedNamespace))
                .Select(o => o.Value).ToList();
            foreach (var item in gone)
            {
                RemoveLocked(KeyOf(item));
            }

            foreach (var item in items)
            {
                RemoveLocked(KeyOf(item));
                _objects[KeyOf(item)] = item;
                if (_indexKey(item) is { } index)
                {
                    if (!_index.TryGetValue(index, out var indexed))
                    {
                        _index[index] = indexed = new Dictionary<string, T>(StringComparer.Ordinal);
                    }

                    indexed[KeyOf(item)] = item;
                }
            }

            return gone;
        }
    }

    private T? RemoveLocked(string key)
    {
        if (!_objects.Remove(key, out var old))
        {
            return default;
        }

        if (_indexKey(old) is { } index && _index.TryGetValue(index, out var items))
        {
            items.Remove(key);
            if (items.Count == 0)
            {
                _index.Remove(index);
            }
        }

        return old;
    }
}
