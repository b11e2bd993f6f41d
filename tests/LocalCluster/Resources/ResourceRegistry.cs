namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// Every resource the server serves: the built-in kinds and what the CRDs add. Discovery, the
/// OpenAPI documents and the request router read it; the CRD controller changes it.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _custom = new(StringComparer.Ordinal);
    private IReadOnlyList<ResourceType> _all;

    public ResourceRegistry()
    {
        _all = BuiltInResources.All;
    }

    /// <summary>Raised after a CRD's resource was added, changed or removed.</summary>
    public event EventHandler? Changed;

    /// <summary>A snapshot of every served resource type.</summary>
    public IReadOnlyList<ResourceType> All => Volatile.Read(ref _all);

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>The served type of a kind at an apiVersion (<c>apps/v1</c>, <c>Deployment</c>).</summary>
    public ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind && t.IsStored);

    /// <summary>The version a resource's objects are stored in.</summary>
    public ResourceType? StorageType(string storageKey) =>
        All.FirstOrDefault(t => t.StorageKey == storageKey && t.IsStorageVersion && t.IsStored);

    /// <summary>Every stored resource, one entry (its storage version) per storage key.</summary>
    public IReadOnlyList<ResourceType> StoredResources() =>
        All.Where(t => t.IsStored && t.IsStorageVersion).ToList();

    /// <summary>Serves (or replaces) the versions of the CRD named <paramref name="crdName"/>.</summary>
    public void SetCustomResource(string crdName, IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            _custom[crdName] = versions;
            Rebuild();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public void RemoveCustomResource(string crdName)
    {
        lock (_gate)
        {
            if (!_custom.Remove(crdName))
            {
                return;
            }

            Rebuild();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public bool IsCustomResourceServed(string crdName)
    {
        lock (_gate)
        {
            return _custom.ContainsKey(crdName);
        }
    }

    private void Rebuild() =>
        Volatile.Write(ref _all, [.. BuiltInResources.All, .. _custom.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value)]);
}
