using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// What the schemas decide on a write: unknown fields (refused under <c>fieldValidation=Strict</c>,
/// warned about under Warn, dropped either way) and, for custom resources, the CRD's structural
/// schema: pruning, defaults, validation and CEL rules. Built-in kinds' field lists come from
/// KubernetesClient's model types.
/// </summary>
public static class SchemaEnforcement
{
    public static void HandleUnknownFields(ResourceType type, JsonObject obj, WriteOptions options)
    {
        IReadOnlyList<string> unknown;
        if (type.Custom is { } custom)
        {
            unknown = custom.Schema?.UnknownFields(obj) ?? [];
        }
        else if (type.ModelType is { } model)
        {
            unknown = BuiltInSchemas.UnknownFields(model, obj);
        }
        else
        {
            return;
        }

        if (unknown.Count > 0)
        {
            var fields = unknown.Select(p => p.TrimStart('.')).ToList();
            switch (options.FieldValidation)
            {
                case FieldValidation.Strict:
                    var detail = "strict decoding error: " + string.Join(", ", fields.Select(f => $"unknown field \"{f}\""));
                    // Built-in kinds and custom resources word it alike (kubernetes/kubernetes#109215 shows a CR's).
                    throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {detail}");
                case FieldValidation.Warn:
                    options.Warnings.AddRange(fields.Select(f => $"unknown field \"{f}\""));
                    break;
            }
        }

        if (type.Custom?.Schema is { } schema)
        {
            schema.Prune(obj);
        }
        else
        {
            foreach (var path in unknown)
            {
                RemovePath(obj, path);
            }
        }
    }

    /// <summary>Applies a custom resource's schema defaults and returns every field error of the object (empty when valid).</summary>
    public static IReadOnlyList<FieldError> DefaultAndValidate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        errors.AddRange(ObjectValidation.ValidateMetadata(type, obj));
        if (type.Custom?.Schema is { } schema)
        {
            schema.ApplyDefaults(obj);
            errors.AddRange(schema.Validate(obj, old));
        }
        else if (type.Custom is null)
        {
            errors.AddRange(ObjectValidation.ValidateBuiltIn(type, obj));
        }

        return errors;
    }

    /// <summary>Removes the field at a path such as <c>.spec.containers[0].foo</c> or <c>spec.foo</c>.</summary>
    internal static void RemovePath(JsonObject root, string path)
    {
        var segments = new List<object>();
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            while (name.EndsWith(']') && name.LastIndexOf('[') is var open and > 0 &&
                   int.TryParse(name[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                indexes.Insert(0, index);
                name = name[..open];
            }

            segments.Add(name);
            segments.AddRange(indexes.Cast<object>());
        }

        JsonNode? node = root;
        for (var i = 0; i < segments.Count - 1 && node is not null; i++)
        {
            node = segments[i] switch
            {
                string field when node is JsonObject o => o[field],
                int index when node is JsonArray a && index < a.Count => a[index],
                _ => null,
            };
        }

        if (node is JsonObject parent && segments[^1] is string last)
        {
            parent.Remove(last);
        }
    }
}
