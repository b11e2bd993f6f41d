using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// Strategic merge patch as kube-apiserver applies it (k8s.io/apimachinery pkg/util/strategicpatch/patch.go,
/// StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls), ported function by function: lists with
/// the merge strategy merge by their merge key (or as sets of scalars), "$patch: replace|delete" in maps and list
/// elements, "$setElementOrder/list", "$retainKeys", "$deleteFromPrimitiveList/list" and nulls that delete. Patch
/// metadata comes from <see cref="PatchStrategies"/>. Last, directive keys and nulls left in the result are dropped,
/// as the server's conversion of the patched map into the typed object drops them.
/// </summary>
internal static class StrategicMergePatch
{
    private const string DirectiveMarker = "$patch";
    private const string DeleteDirective = "delete";
    private const string ReplaceDirective = "replace";
    private const string MergeDirective = "merge";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
    private const string SetElementOrderPrefix = "$setElementOrder";

    private enum Kind
    {
        Null,
        Object,
        Array,
        String,
        Number,
        Boolean,
    }

    public static JsonNode Apply(JsonNode original, JsonNode patch, Type modelType)
    {
        if (original is not JsonObject originalObject || patch.DeepClone() is not JsonObject patchObject)
        {
            throw new PatchException("invalid JSON document");
        }

        var result = MergeMap(originalObject, patchObject, modelType);
        Clean(result);
        return result;
    }

    private static JsonObject MergeMap(JsonObject? original, JsonObject patch, Type? schema)
    {
        if (patch.TryGetPropertyValue(DirectiveMarker, out var directive))
        {
            return HandleDirectiveInMergeMap(directive, patch);
        }

        original ??= [];
        ApplyRetainKeysDirective(original, patch);
        MergePatchIntoOriginal(original, patch, schema);
        foreach (var (patchKey, patchValue) in patch.ToList())
        {
            var key = patchKey;
            var isDeleteList = false;
            if (patchKey.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                key = ExtractKey(patchKey, DeleteFromPrimitiveListPrefix);
                isDeleteList = true;
            }

            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }

            if (!original.TryGetPropertyValue(key, out var originalValue) || KindOf(originalValue) != KindOf(patchValue))
            {
                if (!isDeleteList)
                {
                    TakePatchValue(original, key, patchValue);
                }

                continue;
            }

            switch (originalValue)
            {
                case JsonObject originalMap:
                    {
                        var (subschema, meta) = LookupForStruct(schema, key);
                        original[key] = meta.Strategy != ReplaceDirective
                            ? MergeMap(Detach(originalMap), (JsonObject)patchValue, subschema)
                            : patchValue.DeepClone();
                        break;
                    }

                case JsonArray originalList:
                    {
                        var (subschema, meta) = LookupForSlice(schema, key);
                        original[key] = MergeSliceHandler(Detach(originalList), (JsonArray)patchValue, subschema, meta.Strategy, meta.MergeKey, isDeleteList);
                        break;
                    }

                default:
                    TakePatchValue(original, key, patchValue);
                    break;
            }
        }

        return original;
    }

    /// <summary>A value absent from the original (or of another type) is taken from the patch, without its nulls and directives.</summary>
    private static void TakePatchValue(JsonObject original, string key, JsonNode patchValue)
    {
        var value = patchValue.DeepClone();
        DiscardNullValues(value);
        if (RemoveDirectives(value, out var kept))
        {
            original[key] = kept;
        }
        else
        {
            original.Remove(key);
        }
    }

    private static JsonObject HandleDirectiveInMergeMap(JsonNode? directive, JsonObject patch)
    {
        switch (Text(directive))
        {
            case ReplaceDirective:
                patch.Remove(DirectiveMarker);
                return Detach(patch);
            case DeleteDirective:
                return [];
            default:
                throw new PatchException($"unknown patch type: {GoFormat.V(GoFormat.Decode(directive))} in map: {GoFormat.V(patch)}");
        }
    }

    private static void ApplyRetainKeysDirective(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retainKeys))
        {
            return;
        }

        patch.Remove(RetainKeysDirective);
        if (retainKeys is not JsonArray retainList)
        {
            throw new PatchException("invalid patch format of retainKeys");
        }

        var retained = retainList.Select(Text).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal) ||
                key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!retained.Contains(key))
            {
                throw new PatchException("invalid patch format of retainKeys");
            }
        }

        foreach (var key in original.Select(p => p.Key).ToList())
        {
            if (!retained.Contains(key))
            {
                original.Remove(key);
            }
        }
    }

    /// <summary>Processes the $setElementOrder lists and the lists they order (mergePatchIntoOriginal).</summary>
    private static void MergePatchIntoOriginal(JsonObject original, JsonObject patch, Type? schema)
    {
        foreach (var (key, patchValue) in patch.ToList())
        {
            if (!key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            patch.Remove(key);
            if (patchValue is not JsonArray order)
            {
                throw new PatchException($"expected a []interface {{}}, but received a {GoType(patchValue)}");
            }

            var listKey = ExtractKey(key, SetElementOrderPrefix);
            var foundOriginal = original.TryGetPropertyValue(listKey, out var originalNode);
            var foundPatch = patch.TryGetPropertyValue(listKey, out var patchNode);
            var originalList = foundOriginal ? originalNode as JsonArray ?? throw BadArgType(originalNode) : null;
            var patchList = foundPatch ? patchNode as JsonArray ?? throw BadArgType(patchNode) : null;
            var (subschema, meta) = LookupForSlice(schema, listKey);
            ValidatePatchWithSetOrderList(patchList, order, meta.MergeKey);

            JsonArray merged;
            switch (foundOriginal, foundPatch)
            {
                case (true, false):
                    merged = originalList!;
                    break;
                case (false, true):
                    if (!RemoveDirectives(patchList!.DeepClone(), out var cleaned))
                    {
                        continue;
                    }

                    merged = (JsonArray)cleaned!;
                    break;
                case (true, true):
                    merged = MergeSliceHandler(Detach(originalList!), patchList!, subschema, meta.Strategy, meta.MergeKey, isDeleteList: false);
                    break;
                default:
                    continue;
            }

            var (patchItems, serverOnly) = meta.MergeKey.Length == 0
                ? PartitionPrimitives(merged, order)
                : PartitionMaps(merged, order, meta.MergeKey);
            var kind = SliceElementKind(originalList ?? [], patchList ?? []);
            original[listKey] = NormalizeElementOrder(patchItems, serverOnly, Items(order), Items(originalList ?? []), meta.MergeKey, kind);
            patch.Remove(listKey);
        }
    }

    private static void ValidatePatchWithSetOrderList(JsonArray? patchList, JsonArray order, string mergeKey)
    {
        if (order.Count == 0 || patchList is null || patchList.Count == 0)
        {
            return;
        }

        var nonDelete = mergeKey.Length > 0 ? ExtractToDeleteItems(Items(patchList)).NonDelete : Items(patchList);
        int patchIndex = 0, orderIndex = 0;
        while (patchIndex < nonDelete.Count && orderIndex < order.Count)
        {
            if (nonDelete[patchIndex] is JsonObject item && item.ContainsKey(DirectiveMarker))
            {
                patchIndex++;
                continue;
            }

            if (MergeKeyValueEqual(nonDelete[patchIndex], order[orderIndex], mergeKey))
            {
                patchIndex++;
            }

            orderIndex++;
        }

        if (patchIndex < nonDelete.Count && orderIndex >= order.Count)
        {
            throw new PatchException($"The order in patch list:\n{GoFormat.V(patchList)}\n doesn't match {SetElementOrderPrefix} list:\n{GoFormat.V(order)}\n");
        }
    }

    private static bool MergeKeyValueEqual(JsonNode? left, JsonNode? right, string mergeKey)
    {
        if (mergeKey.Length == 0)
        {
            return ScalarEquals(left, right);
        }

        var leftMap = left as JsonObject ?? throw BadArgType(left);
        var rightMap = right as JsonObject ?? throw BadArgType(right);
        if (!leftMap.TryGetPropertyValue(mergeKey, out var leftKey))
        {
            throw NoMergeKey(leftMap, mergeKey);
        }

        if (!rightMap.TryGetPropertyValue(mergeKey, out var rightKey))
        {
            throw NoMergeKey(rightMap, mergeKey);
        }

        return ScalarEquals(leftKey, rightKey);
    }

    private static JsonArray MergeSliceHandler(JsonArray original, JsonArray patch, Type? schema, string strategy, string mergeKey, bool isDeleteList) =>
        strategy == MergeDirective || isDeleteList
            ? MergeSlice(original, patch, schema, mergeKey, isDeleteList)
            : (JsonArray)patch.DeepClone();

    private static JsonArray MergeSlice(JsonArray originalArray, JsonArray patchArray, Type? schema, string mergeKey, bool isDeleteList)
    {
        if (originalArray.Count == 0 && patchArray.Count == 0)
        {
            return originalArray;
        }

        var kind = SliceElementKind(originalArray, patchArray);
        var original = Items(originalArray);
        var patch = Items(patchArray.DeepClone().AsArray());
        List<JsonNode?> merged;
        if (kind != Kind.Object)
        {
            if (isDeleteList)
            {
                return ToArray(original.Where(v => !patch.Any(d => ScalarEquals(v, d))));
            }

            merged = DeduplicateScalars([.. original, .. patch]);
        }
        else
        {
            if (mergeKey.Length == 0)
            {
                throw new PatchException($"cannot merge lists without merge key for {schema?.Name ?? ""}");
            }

            (original, patch) = MergeSliceWithSpecialElements(original, patch, mergeKey);
            merged = MergeSliceWithoutSpecialElements(original, patch, mergeKey, schema);
        }

        var (patchItems, serverOnly) = mergeKey.Length == 0
            ? PartitionPrimitives(merged, patch)
            : PartitionMaps(merged, patch, mergeKey);
        return NormalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
    }

    private static (List<JsonNode?> Original, List<JsonNode?> Patch) MergeSliceWithSpecialElements(List<JsonNode?> original, List<JsonNode?> patch, string mergeKey)
    {
        var withoutSpecial = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch)
        {
            var map = (JsonObject)item!;
            if (!map.TryGetPropertyValue(DirectiveMarker, out var directive))
            {
                withoutSpecial.Add(item);
                continue;
            }

            switch (Text(directive))
            {
                case DeleteDirective:
                    if (!map.TryGetPropertyValue(mergeKey, out var mergeValue))
                    {
                        throw NoMergeKey(map, mergeKey);
                    }

                    original = original.Where(o => !(o is JsonObject candidate && candidate.TryGetPropertyValue(mergeKey, out var value) && ScalarEquals(value, mergeValue))).ToList();
                    break;
                case ReplaceDirective:
                    replace = true;
                    break;
                case MergeDirective:
                    throw new PatchException("merging lists cannot yet be specified in the patch");
                default:
                    throw new PatchException($"unknown patch type: {GoFormat.V(GoFormat.Decode(directive))} in map: {GoFormat.V(map)}");
            }
        }

        return replace ? (withoutSpecial, []) : (original, withoutSpecial);
    }

    /// <summary>
    /// Merges each patch item into the item with its key, or appends it. Works on a copy: in Go the caller's slice keeps
    /// its length, so the live order used afterwards does not include the appended items.
    /// </summary>
    private static List<JsonNode?> MergeSliceWithoutSpecialElements(List<JsonNode?> originalItems, List<JsonNode?> patch, string mergeKey, Type? schema)
    {
        var original = originalItems.ToList();
        foreach (var item in patch)
        {
            var map = (JsonObject)item!;
            if (!map.TryGetPropertyValue(mergeKey, out var mergeValue))
            {
                throw NoMergeKey(map, mergeKey);
            }

            var index = FindMapInSlice(original, mergeKey, mergeValue);
            if (index >= 0)
            {
                original[index] = MergeMap(Detach((JsonObject)original[index]!), map, schema);
            }
            else
            {
                original.Add(map);
            }
        }

        return original;
    }

    private static int FindMapInSlice(List<JsonNode?> list, string key, JsonNode? value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject map)
            {
                throw new PatchException($"value for key {i} is not a map");
            }

            if (map.TryGetPropertyValue(key, out var candidate) && ScalarEquals(candidate, value))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>deduplicateScalars: keeps the first of equal values, moving the last value into each removed slot.</summary>
    private static List<JsonNode?> DeduplicateScalars(List<JsonNode?> values)
    {
        var length = values.Count - 1;
        for (var i = 0; i < length; i++)
        {
            for (var j = i + 1; j <= length; j++)
            {
                if (ScalarEquals(values[i], values[j]))
                {
                    values[j] = values[length];
                    values.RemoveAt(length);
                    length--;
                    j--;
                }
            }
        }

        return values;
    }

    private static (List<JsonNode?> Patch, List<JsonNode?> ServerOnly) PartitionPrimitives(IEnumerable<JsonNode?> merged, IEnumerable<JsonNode?> partitionBy)
    {
        var by = partitionBy.ToList();
        var patch = new List<JsonNode?>();
        var serverOnly = new List<JsonNode?>();
        foreach (var value in merged)
        {
            (by.Any(b => ScalarEquals(b, value)) ? patch : serverOnly).Add(value);
        }

        return (patch, serverOnly);
    }

    private static (List<JsonNode?> Patch, List<JsonNode?> ServerOnly) PartitionMaps(IEnumerable<JsonNode?> merged, IEnumerable<JsonNode?> partitionBy, string mergeKey)
    {
        var by = partitionBy.ToList();
        var patch = new List<JsonNode?>();
        var serverOnly = new List<JsonNode?>();
        foreach (var value in merged)
        {
            var map = value as JsonObject ?? throw BadArgType(value);
            if (!map.TryGetPropertyValue(mergeKey, out var mergeValue))
            {
                throw NoMergeKey(map, mergeKey);
            }

            (FindMapInSlice(by, mergeKey, mergeValue) >= 0 ? patch : serverOnly).Add(value);
        }

        return (patch, serverOnly);
    }

    private static JsonArray NormalizeElementOrder(List<JsonNode?> patch, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string mergeKey, Kind kind)
    {
        patch = NormalizeSliceOrder(patch, patchOrder, mergeKey, kind);
        serverOnly = NormalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
        return ToArray(MergeSortedSlice(serverOnly, patch, serverOrder, mergeKey, kind));
    }

    /// <summary>Sorts by position in <paramref name="order"/> with Go's stable insertion sort (items to delete go last).</summary>
    private static List<JsonNode?> NormalizeSliceOrder(List<JsonNode?> toSort, List<JsonNode?> order, string mergeKey, Kind kind)
    {
        var toDelete = new List<JsonNode?>();
        if (kind == Kind.Object)
        {
            foreach (var item in toSort.Concat(order))
            {
                var map = item as JsonObject ?? throw BadArgType(item);
                if (!map.ContainsKey(mergeKey))
                {
                    throw NoMergeKey(map, mergeKey);
                }
            }

            (toSort, toDelete) = ExtractToDeleteItems(toSort);
        }

        bool Less(JsonNode? a, JsonNode? b)
        {
            var ia = Index(order, a, mergeKey, kind);
            var ib = Index(order, b, mergeKey, kind);
            return ia < 0 || ib < 0 || ia < ib;
        }

        var sorted = toSort.ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            for (var j = i; j > 0 && Less(sorted[j], sorted[j - 1]); j--)
            {
                (sorted[j], sorted[j - 1]) = (sorted[j - 1], sorted[j]);
            }
        }

        sorted.AddRange(toDelete);
        return sorted;
    }

    /// <summary>mergeSortedSlice: interleaves the server-only items into the patch items by their order in the live list.</summary>
    private static List<JsonNode?> MergeSortedSlice(List<JsonNode?> left, List<JsonNode?> right, List<JsonNode?> serverOrder, string mergeKey, Kind kind)
    {
        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (result.Count < left.Count + right.Count)
        {
            if (i >= left.Count)
            {
                result.Add(right[j++]);
            }
            else if (j >= right.Count)
            {
                result.Add(left[i++]);
            }
            else
            {
                var li = Index(serverOrder, left[i], mergeKey, kind);
                var ri = Index(serverOrder, right[j], mergeKey, kind);
                result.Add(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
            }
        }

        return result;
    }

    private static int Index(List<JsonNode?> list, JsonNode? value, string mergeKey, Kind kind)
    {
        JsonNode? Key(JsonNode? item) => kind == Kind.Object ? (item as JsonObject)?[mergeKey] : item;
        var key = Key(value);
        return list.FindIndex(item => ScalarEquals(Key(item), key));
    }

    private static (List<JsonNode?> NonDelete, List<JsonNode?> ToDelete) ExtractToDeleteItems(List<JsonNode?> items)
    {
        var nonDelete = new List<JsonNode?>();
        var toDelete = new List<JsonNode?>();
        foreach (var item in items)
        {
            var map = item as JsonObject ?? throw BadArgType(item);
            (map.TryGetPropertyValue(DirectiveMarker, out var directive) && Text(directive) == DeleteDirective ? toDelete : nonDelete).Add(item);
        }

        return (nonDelete, toDelete);
    }

    /// <summary>removeDirectives: drops objects marked with $patch (false when the value itself is one).</summary>
    private static bool RemoveDirectives(JsonNode? value, out JsonNode? result)
    {
        result = value;
        switch (value)
        {
            case JsonObject map when map.ContainsKey(DirectiveMarker):
                result = null;
                return false;
            case JsonObject map:
                foreach (var (key, child) in map.ToList())
                {
                    if (!RemoveDirectives(child, out _))
                    {
                        map.Remove(key);
                    }
                }

                return true;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (!RemoveDirectives(array[i], out _))
                    {
                        array.RemoveAt(i);
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static void DiscardNullValues(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject map:
                foreach (var (key, child) in map.ToList())
                {
                    if (child is null)
                    {
                        map.Remove(key);
                    }
                    else
                    {
                        DiscardNullValues(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    DiscardNullValues(item);
                }

                break;
        }
    }

    /// <summary>Drops directive keys and null fields, which no typed Kubernetes object can hold.</summary>
    private static void Clean(JsonNode? value)
    {
        switch (value)
        {
            case JsonObject map:
                foreach (var (key, child) in map.ToList())
                {
                    if (child is null || key.StartsWith('$'))
                    {
                        map.Remove(key);
                    }
                    else
                    {
                        Clean(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Clean(item);
                }

                break;
        }
    }

    private static Kind SliceElementKind(JsonArray original, JsonArray patch)
    {
        Kind? previous = null;
        foreach (var item in original.Concat(patch))
        {
            var kind = KindOf(item);
            if (previous is null)
            {
                if (kind == Kind.Array)
                {
                    throw new PatchException("lists of lists are not supported");
                }

                previous = kind;
            }
            else if (previous != kind)
            {
                throw new PatchException($"list element types are not identical: [{GoFormat.V(original)} {GoFormat.V(patch)}]");
            }
        }

        return previous ?? throw new PatchException("no elements in any of the given slices");
    }

    private static Kind KindOf(JsonNode? node) => node switch
    {
        null => Kind.Null,
        JsonObject => Kind.Object,
        JsonArray => Kind.Array,
        _ => GoFormat.Decode(node) switch
        {
            string => Kind.String,
            bool => Kind.Boolean,
            null => Kind.Null,
            _ => Kind.Number,
        },
    };

    /// <summary>Go's == on decoded scalars (numbers by value, null equal to null); composite values never match.</summary>
    private static bool ScalarEquals(JsonNode? a, JsonNode? b) =>
        a is not (JsonObject or JsonArray) && b is not (JsonObject or JsonArray) && JsonEquality.DeepEquals(a, b);

    private static (Type? Schema, PatchMeta Meta) LookupForStruct(Type? schema, string key) => (FieldType(schema, key), PatchStrategies.For(schema, key));

    private static (Type? Schema, PatchMeta Meta) LookupForSlice(Type? schema, string key)
    {
        var fieldType = FieldType(schema, key);
        return (fieldType is null ? null : ModelFields.ListElementType(fieldType), PatchStrategies.For(schema, key));
    }

    /// <summary>The model type of a field: a dictionary's value type, a model's property type, or null when unknown.</summary>
    private static Type? FieldType(Type? schema, string key)
    {
        if (schema is null)
        {
            return null;
        }

        var type = ModelFields.DictionaryValueType(schema) ?? ModelFields.For(schema).FieldType(key);
        return type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
    }

    private static string ExtractKey(string key, string prefix)
    {
        var parts = key.Split('/', 2);
        if (parts.Length <= 1 || parts[0] != prefix)
        {
            throw new PatchException(prefix == DeleteFromPrimitiveListPrefix
                ? "invalid patch format of primitive list"
                : "invalid patch format of setElementOrder list");
        }

        return parts[1];
    }

    private static string? Text(JsonNode? node) => GoFormat.Decode(node) as string;

    private static List<JsonNode?> Items(JsonArray array) => array.ToList();

    private static JsonArray ToArray(IEnumerable<JsonNode?> items) => new(items.Select(Detach).ToArray());

    private static T Detach<T>(T node)
        where T : JsonNode? => node?.Parent is null ? node : (T)node.DeepClone();

    private static string GoType(JsonNode? node) => node switch
    {
        JsonObject => "map[string]interface {}",
        JsonArray => "[]interface {}",
        null => "<nil>",
        _ => GoFormat.Decode(node) switch
        {
            string => "string",
            bool => "bool",
            long => "int64",
            _ => "float64",
        },
    };

    private static PatchException BadArgType(JsonNode? actual) => new($"expected a map[string]interface {{}}, but received a {GoType(actual)}");

    private static PatchException NoMergeKey(JsonObject map, string key) => new($"map: {GoFormat.V(map)} does not contain declared merge key: {key}");
}
