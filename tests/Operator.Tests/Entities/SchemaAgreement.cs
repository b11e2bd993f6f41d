using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace ZkSync.Operator.Tests.Entities;

/// <summary>
/// Compares an OpenAPI v3 schema with a C# type, field by field: for the operator's own types both ways (every
/// schema property is a C# property with the same JSON name and a matching type, and every C# property is in the
/// schema); for the Kubernetes client's model types (e.g. V1Toleration) one way, since a CRD may expose a subset.
/// Optional properties must be nullable in C#; every property must be described.
/// </summary>
internal static class SchemaAgreement
{
    public static List<string> Compare(JsonObject schema, Type type)
    {
        var errors = new List<string>();
        CompareNode(schema, type, "", errors);
        return errors;
    }

    private static bool IsOurs(Type type) => type.Namespace == "ZkSync.Operator.Entities";

    private static void CompareNode(JsonObject schema, Type type, string path, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            Expect(type == typeof(ResourceQuantity), path, $"int-or-string, C# {type.Name}", errors);
            return;
        }

        var schemaType = (string?)schema["type"];
        switch (schemaType)
        {
            case "string":
                var format = (string?)schema["format"];
                Expect(format == "date-time" ? type == typeof(DateTime) : type == typeof(string), path, $"string ({format ?? "plain"}), C# {type.Name}", errors);
                break;
            case "integer":
                var intFormat = (string?)schema["format"];
                Expect(intFormat == "int64" ? type == typeof(long) : type == typeof(int), path, $"integer ({intFormat}), C# {type.Name}", errors);
                break;
            case "boolean":
                Expect(type == typeof(bool), path, $"boolean, C# {type.Name}", errors);
                break;
            case "array":
                var element = ElementType(type);
                if (element is null)
                {
                    errors.Add($"{path}: array in the CRD, C# {type.Name} is not a list");
                    break;
                }

                CompareNode(schema["items"]!.AsObject(), element, path + "[]", errors);
                break;
            case "object":
                CompareObject(schema, type, path, errors);
                break;
            default:
                errors.Add($"{path}: schema type '{schemaType}' not handled");
                break;
        }
    }

    private static void CompareObject(JsonObject schema, Type type, string path, List<string> errors)
    {
        if (schema["additionalProperties"] is JsonObject valueSchema)
        {
            var mapValue = MapValueType(type);
            if (mapValue is null)
            {
                errors.Add($"{path}: map in the CRD, C# {type.Name} is not a dictionary with string keys");
                return;
            }

            CompareNode(valueSchema, mapValue, path + "{}", errors);
            return;
        }

        var properties = schema["properties"]?.AsObject();
        if (properties is null)
        {
            // Free-form: only a Kubernetes model type (validated by the API server when the Job is created) or metadata.
            if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() != true && type != typeof(V1ObjectMeta))
            {
                errors.Add($"{path}: object without properties that does not preserve unknown fields");
            }

            Expect(type.Namespace == "k8s.Models", path, $"free-form object, C# {type.Name} should be a Kubernetes model type", errors);
            return;
        }

        var clrProperties = JsonProperties(type);
        var required = schema["required"]?.AsArray().Select(n => (string)n!).ToHashSet() ?? [];
        foreach (var (name, node) in properties)
        {
            var propertyPath = path.Length == 0 ? name : path + "." + name;
            if (!clrProperties.TryGetValue(name, out var property))
            {
                errors.Add($"{propertyPath}: in the CRD, not in C# {type.Name}");
                continue;
            }

            if (!required.Contains(name) && property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
            {
                errors.Add($"{propertyPath}: optional in the CRD, C# {type.Name}.{property.Name} is not nullable");
            }

            CompareNode(node!.AsObject(), property.PropertyType, propertyPath, errors);
        }

        if (IsOurs(type))
        {
            foreach (var name in clrProperties.Keys.Where(n => !properties.ContainsKey(n)))
            {
                errors.Add($"{(path.Length == 0 ? name : path + "." + name)}: in C# {type.Name}, not in the CRD");
            }
        }
    }

    private static Dictionary<string, PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicyCamel(p.Name));

    private static string JsonNamingPolicyCamel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IList<>) || d == typeof(List<>) || d == typeof(IReadOnlyList<>))
            ? type.GetGenericArguments()[0]
            : null;

    private static Type? MapValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(Dictionary<,>))
        && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static void Expect(bool condition, string path, string what, List<string> errors)
    {
        if (!condition)
        {
            errors.Add($"{path}: type mismatch: {what}");
        }
    }
}
