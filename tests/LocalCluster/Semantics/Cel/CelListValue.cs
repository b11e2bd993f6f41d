namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// A list whose schema says x-kubernetes-list-type set or map: equal to another list with the same elements in any
/// order (sets) or the same entries by key (maps), and for maps "+" replaces entries with the same key, as
/// apiserver/pkg/cel/common/values.go defines for them.
/// </summary>
internal sealed class CelListValue : List<object?>
{
    public CelListValue(IEnumerable<object?> items, string listType, IReadOnlyList<string> mapKeys)
        : base(items)
    {
        ListType = listType;
        MapKeys = mapKeys;
    }

    public string ListType { get; }

    /// <summary>The escaped names of the key fields of a map list.</summary>
    public IReadOnlyList<string> MapKeys { get; }

    public bool IsMap => ListType == "map";

    /// <summary>The key tuple of a map list's entry.</summary>
    public object?[] KeyOf(object? entry) =>
        MapKeys.Select(k => entry is IDictionary<string, object?> map && map.TryGetValue(k, out var value) ? value : null).ToArray();
}
