using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// A JSON value as a CEL value typed by its schema, as apiserver's UnstructuredToVal does, in the shapes the Cel
/// package evaluates: objects and maps as Dictionary&lt;string, object?&gt; (objects expose only their declared, escaped
/// properties; a resource root or embedded resource also its apiVersion, kind, metadata.name and
/// metadata.generateName), lists as object?[], integers as long, numbers as double, date and date-time strings as
/// DateTimeOffsets (the package's timestamps), duration strings as protobuf Durations, byte strings as ByteStrings, int-or-string as long or string.
/// </summary>
internal static class CelValues
{
    public static object? From(JsonNode? node, SchemaNode schema, bool isResourceRoot)
    {
        if (node is null)
        {
            return null;
        }

        if (schema.XIntOrString)
        {
            return GoFormat.Decode(node);
        }

        switch (schema.Type)
        {
            case "object" when node is JsonObject obj:
                return FromObject(obj, schema, isResourceRoot || schema.XEmbeddedResource);
            case "array" when node is JsonArray array && schema.Items is { } items:
                {
                    var elements = array.Select(i => From(i, items, items.XEmbeddedResource));
                    return schema.XListType is "set" or "map"
                        ? new CelListValue(elements, schema.XListType, schema.XListMapKeys.Select(k => CelNames.Escape(k) ?? k).ToList())
                        : elements.ToArray();
                }
            case "string" when node is JsonValue value && GoFormat.Decode(value) is string text:
                return FromString(text, schema.Format);
            case "number":
                return GoFormat.Decode(node) switch
                {
                    long l => (double)l,
                    var other => other,
                };
            case "integer":
            case "boolean":
                return GoFormat.Decode(node);
            default:
                return Untyped(node);
        }
    }

    /// <summary>A value no schema types (x-kubernetes-preserve-unknown-fields), converted as plain JSON.</summary>
    public static object? Untyped(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Untyped(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(Untyped).ToArray(),
        _ => GoFormat.Decode(node),
    };

    private static Dictionary<string, object?> FromObject(JsonObject obj, SchemaNode schema, bool isResource)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (schema.Properties is not null || isResource)
        {
            foreach (var (name, value) in obj)
            {
                // A field holding null reads as absent in CEL (has() is false), as in the server's unstructured maps.
                if (value is null)
                {
                    continue;
                }

                if (schema.Property(name) is { } property && !(isResource && name == "metadata"))
                {
                    if (CelNames.Escape(name) is { } escaped && IsExposed(property))
                    {
                        result[escaped] = From(value, property, property.XEmbeddedResource);
                    }
                }
                else if (isResource && name is "apiVersion" or "kind" && value is JsonValue typeValue && GoFormat.Decode(typeValue) is string text)
                {
                    result[name] = text;
                }
                else if (isResource && name == "metadata" && value is JsonObject metadata)
                {
                    result["metadata"] = ObjectMetaView(metadata);
                }
            }

            return result;
        }

        if (schema.AdditionalProperties is { } additional)
        {
            foreach (var (name, value) in obj)
            {
                if (value is not null)
                {
                    result[name] = From(value, additional, additional.XEmbeddedResource);
                }
            }
        }

        return result;
    }

    /// <summary>What CEL sees of metadata at a resource root: name and generateName only.</summary>
    private static Dictionary<string, object?> ObjectMetaView(JsonObject metadata)
    {
        var view = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in new[] { "name", "generateName" })
        {
            if (metadata[name] is JsonValue value && GoFormat.Decode(value) is string text)
            {
                view[name] = text;
            }
        }

        return view;
    }

    /// <summary>Whether a property has a CEL type at all (untyped, non-object preserved fields are hidden).</summary>
    public static bool IsExposed(SchemaNode schema) =>
        schema.XIntOrString || schema.Type is "object" or "array" or "string" or "number" or "integer" or "boolean";

    private static object FromString(string text, string? format)
    {
        switch (format)
        {
            case "duration":
                return GoDuration.TryParseLenient(text, out var nanoseconds)
                    ? new Duration { Seconds = nanoseconds / 1_000_000_000, Nanos = (int)(nanoseconds % 1_000_000_000) }
                    : throw new CelEvaluationException($"Invalid duration {text}");
            case "date":
                return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                    ? date
                    : throw new CelEvaluationException($"Invalid date formatted string {text}");
            case "date-time":
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dateTime)
                    ? dateTime
                    : throw new CelEvaluationException($"Invalid date-time formatted string {text}");
            case "byte":
                try
                {
                    return ByteString.CopyFrom(Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/')));
                }
                catch (FormatException)
                {
                    throw new CelEvaluationException($"Invalid byte formatted string {text}");
                }

            default:
                return text;
        }
    }
}
