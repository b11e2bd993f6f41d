using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// x-kubernetes-list-type uniqueness (apiserver/schema/listtype/validation.go): a set's items, and a map's key
/// tuples, must not repeat; each repeat is reported once, at its second occurrence, as "Duplicate value".
/// </summary>
internal static class ListTypeValidator
{
    public static List<FieldError> Validate(JsonObject obj, SchemaNode schema)
    {
        var errors = new List<FieldError>();
        ValidateObject(null, schema, obj, errors);
        return errors;
    }

    private static void ValidateObject(string? path, SchemaNode schema, JsonObject obj, List<FieldError> errors)
    {
        if (schema.AdditionalProperties is { } additional)
        {
            foreach (var (name, value) in obj)
            {
                ValidateValue(FieldErrors.Key(path, name), additional, value, errors);
            }
        }

        if (schema.Properties is not null)
        {
            foreach (var (name, value) in obj)
            {
                if (schema.Property(name) is { } property)
                {
                    ValidateValue(FieldErrors.Child(path, name), property, value, errors);
                }
            }
        }
    }

    private static void ValidateValue(string path, SchemaNode schema, JsonNode? value, List<FieldError> errors)
    {
        switch (value)
        {
            case JsonArray array:
                ValidateArray(path, schema, array, errors);
                break;
            case JsonObject obj:
                ValidateObject(path, schema, obj, errors);
                break;
        }
    }

    private static void ValidateArray(string path, SchemaNode schema, JsonArray array, List<FieldError> errors)
    {
        switch (schema.XListType)
        {
            case "set":
                foreach (var i in NonUnique(array.Select(i => (object?)i).ToList()))
                {
                    errors.Add(FieldErrors.Duplicate(Index(path, i), array[i]));
                }

                break;
            case "map":
                errors.AddRange(ValidateMap(path, schema, array));
                break;
        }

        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateValue(Index(path, i), items, array[i], errors);
            }
        }
    }

    private static List<FieldError> ValidateMap(string path, SchemaNode schema, JsonArray array)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not (null or JsonObject))
            {
                return [FieldErrors.Invalid(Index(path, i), array[i], "must be an object for an array of list-type map")];
            }
        }

        if (array.Count <= 1)
        {
            return [];
        }

        var keys = array.Select(item =>
        {
            var key = new JsonObject();
            foreach (var keyField in schema.XListMapKeys)
            {
                if (item is JsonObject obj && obj.TryGetPropertyValue(keyField, out var keyValue))
                {
                    key[keyField] = keyValue?.DeepClone();
                }
            }

            return key;
        }).ToList();
        return NonUnique(keys.Select(k => (object?)k).ToList())
            .Select(i => FieldErrors.Duplicate(Index(path, i), keys[i]))
            .ToList();
    }

    /// <summary>validateListSet: the index of each value's second appearance (scalars by type and value, compounds by their JSON).</summary>
    private static List<int> NonUnique(List<object?> items)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var nonUnique = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            var identity = Identity(items[i] as JsonNode);
            seen.TryGetValue(identity, out var times);
            seen[identity] = times + 1;
            if (times == 1)
            {
                nonUnique.Add(i);
            }
        }

        return nonUnique;
    }

    /// <summary>Scalars are told apart by their Go type too (int64 1 is not float64 1); compounds by json.Marshal with sorted keys.</summary>
    private static string Identity(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject or JsonArray => "json:" + CanonicalJson(node),
        _ => GoFormat.Decode(node) switch
        {
            long l => "int64:" + l.ToString(CultureInfo.InvariantCulture),
            double d => "float64:" + d.ToString("R", CultureInfo.InvariantCulture),
            string s => "string:" + s,
            bool b => "bool:" + b,
            _ => "null",
        },
    };

    private static string CanonicalJson(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => GoFormat.Quote(p.Key) + ":" + CanonicalJson(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(CanonicalJson)) + "]",
        null => "null",
        _ => GoFormat.Decode(node) switch
        {
            double d => GoFormat.Float(d),
            string s => GoFormat.Quote(s),
            var other => GoFormat.V(other),
        },
    };

    private static string Index(string path, int index) => FieldErrors.Key(path, index.ToString(CultureInfo.InvariantCulture));
}
