using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// Applies schema defaults as apiextensions-apiserver's defaulting/algorithm.go does: a property that is missing (or a
/// null the schema does not allow) gets a deep copy of its default, and defaulting then descends into every value,
/// including the defaults it just set, array items and additionalProperties values.
/// </summary>
internal static class SchemaDefaulter
{
    public static void Default(JsonNode? value, SchemaNode? schema)
    {
        if (schema is null)
        {
            return;
        }

        switch (value)
        {
            case JsonObject obj:
                if (schema.Properties is not null)
                {
                    foreach (var name in schema.PropertyOrder)
                    {
                        var property = schema.Properties[name];
                        if (property.Default is null)
                        {
                            continue;
                        }

                        if (!obj.TryGetPropertyValue(name, out var current) || IsNonNullableNull(current, property))
                        {
                            obj[name] = property.Default.DeepClone();
                        }
                    }
                }

                foreach (var (name, child) in obj.ToList())
                {
                    if (schema.Property(name) is { } property)
                    {
                        Default(child, property);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        var entry = child;
                        if (IsNonNullableNull(entry, additional) && additional.Default is not null)
                        {
                            entry = additional.Default.DeepClone();
                            obj[name] = entry;
                        }

                        Default(entry, additional);
                    }
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsNonNullableNull(array[i], items) && items.Default is not null)
                    {
                        array[i] = items.Default.DeepClone();
                    }

                    Default(array[i], items);
                }

                break;
        }
    }

    /// <summary>
    /// Removes nulls the schema neither allows nor defaults (defaulting/prunenulls.go), which the server does right
    /// after pruning so that such a null reads as an absent field.
    /// </summary>
    public static void PruneNonNullableNullsWithoutDefaults(JsonNode? value, SchemaNode? schema)
    {
        switch (value)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    var fieldSchema = schema?.Property(name) ?? schema?.AdditionalProperties;
                    if (child is null && fieldSchema is { Nullable: false, Default: null })
                    {
                        obj.Remove(name);
                    }
                    else
                    {
                        PruneNonNullableNullsWithoutDefaults(child, fieldSchema);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    PruneNonNullableNullsWithoutDefaults(item, schema?.Items);
                }

                break;
        }
    }

    private static bool IsNonNullableNull(JsonNode? value, SchemaNode schema) => value is null && !schema.Nullable;
}
