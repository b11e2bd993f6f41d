using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Reads a CRD version's openAPIV3Schema (JSONSchemaProps as JSON) into <see cref="SchemaNode"/>s.</summary>
internal static class SchemaParser
{
    private static readonly string[] UnsupportedKeywordNames = ["id", "$ref", "patternProperties", "dependencies", "additionalItems", "definitions"];

    public static SchemaNode Parse(JsonObject schema, string path = "openAPIV3Schema")
    {
        var properties = ParseProperties(schema, path);
        var items = schema["items"];
        var additionalProperties = schema["additionalProperties"];
        return new SchemaNode
        {
            Type = String(schema, "type", path),
            Format = String(schema, "format", path),
            Description = String(schema, "description", path),
            Title = String(schema, "title", path),
            Nullable = Bool(schema, "nullable", path),
            Default = schema["default"]?.DeepClone(),
            Maximum = Number(schema, "maximum", path),
            ExclusiveMaximum = Bool(schema, "exclusiveMaximum", path),
            Minimum = Number(schema, "minimum", path),
            ExclusiveMinimum = Bool(schema, "exclusiveMinimum", path),
            MaxLength = Integer(schema, "maxLength", path),
            MinLength = Integer(schema, "minLength", path),
            Pattern = String(schema, "pattern", path),
            MaxItems = Integer(schema, "maxItems", path),
            MinItems = Integer(schema, "minItems", path),
            UniqueItems = Bool(schema, "uniqueItems", path),
            MultipleOf = Number(schema, "multipleOf", path),
            Enum = schema["enum"] switch
            {
                null => null,
                JsonArray values => values.Select(v => v?.DeepClone()).ToList(),
                _ => throw Invalid(path, "enum", "must be an array"),
            },
            MaxProperties = Integer(schema, "maxProperties", path),
            MinProperties = Integer(schema, "minProperties", path),
            Required = Strings(schema, "required", path),
            AllOf = Schemas(schema, "allOf", path),
            OneOf = Schemas(schema, "oneOf", path),
            AnyOf = Schemas(schema, "anyOf", path),
            Not = schema["not"] switch
            {
                null => null,
                JsonObject not => Parse(not, path + ".not"),
                _ => throw Invalid(path, "not", "must be a schema"),
            },
            Properties = properties?.Dictionary,
            PropertyOrder = properties?.Order ?? [],
            Items = items switch
            {
                null => null,
                JsonObject itemSchema => Parse(itemSchema, path + ".items"),
                JsonArray => null,
                _ => throw Invalid(path, "items", "must be a schema"),
            },
            ItemsIsArray = items is JsonArray,
            AdditionalProperties = additionalProperties is JsonObject additionalSchema ? Parse(additionalSchema, path + ".additionalProperties") : null,
            AdditionalPropertiesAllowed = additionalProperties switch
            {
                null or JsonObject => null,
                JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
                _ => throw Invalid(path, "additionalProperties", "must be a schema or a boolean"),
            },
            XPreserveUnknownFields = Bool(schema, "x-kubernetes-preserve-unknown-fields", path),
            XPreserveUnknownFieldsIsFalse = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue preserve && preserve.GetValueKind() == JsonValueKind.False,
            XEmbeddedResource = Bool(schema, "x-kubernetes-embedded-resource", path),
            XIntOrString = Bool(schema, "x-kubernetes-int-or-string", path),
            XListMapKeys = Strings(schema, "x-kubernetes-list-map-keys", path),
            XListType = String(schema, "x-kubernetes-list-type", path),
            XMapType = String(schema, "x-kubernetes-map-type", path),
            XValidations = Rules(schema, path),
            UnsupportedKeywords = UnsupportedKeywordNames.Where(schema.ContainsKey).ToList(),
        };
    }

    private static (Dictionary<string, SchemaNode> Dictionary, List<string> Order)? ParseProperties(JsonObject schema, string path)
    {
        switch (schema["properties"])
        {
            case null:
                return null;
            case JsonObject properties:
                {
                    var dictionary = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
                    var order = new List<string>();
                    foreach (var (name, value) in properties)
                    {
                        if (value is not JsonObject propertySchema)
                        {
                            throw Invalid(path, $"properties[{name}]", "must be a schema");
                        }

                        dictionary[name] = Parse(propertySchema, $"{path}.properties[{name}]");
                        order.Add(name);
                    }

                    return (dictionary, order);
                }

            default:
                throw Invalid(path, "properties", "must be an object");
        }
    }

    private static List<SchemaNode> Schemas(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => [],
        JsonArray array => array.Select((s, i) => s is JsonObject o
            ? Parse(o, $"{path}.{name}[{i}]")
            : throw Invalid(path, $"{name}[{i}]", "must be a schema")).ToList(),
        _ => throw Invalid(path, name, "must be an array of schemas"),
    };

    private static List<ValidationRule> Rules(JsonObject schema, string path)
    {
        if (schema["x-kubernetes-validations"] is not { } node)
        {
            return [];
        }

        if (node is not JsonArray rules)
        {
            throw Invalid(path, "x-kubernetes-validations", "must be an array");
        }

        var result = new List<ValidationRule>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rulePath = $"{path}.x-kubernetes-validations[{i}]";
            if (rules[i] is not JsonObject rule)
            {
                throw new SchemaException($"{rulePath}: must be an object");
            }

            result.Add(new ValidationRule(
                String(rule, "rule", rulePath) ?? "",
                String(rule, "message", rulePath),
                String(rule, "messageExpression", rulePath),
                String(rule, "reason", rulePath),
                String(rule, "fieldPath", rulePath),
                Bool(rule, "optionalOldSelf", rulePath)));
        }

        return result;
    }

    private static string? String(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw Invalid(path, name, "must be a string"),
    };

    private static bool Bool(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => false,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => throw Invalid(path, name, "must be a boolean"),
    };

    private static double? Number(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.GetValue<double>(),
        _ => throw Invalid(path, name, "must be a number"),
    };

    private static long? Integer(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number &&
            long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => integer,
        _ => throw Invalid(path, name, "must be an integer"),
    };

    private static List<string> Strings(JsonObject schema, string name, string path) => schema[name] switch
    {
        null => [],
        JsonArray array => array.Select(v => v is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw Invalid(path, name, "must be an array of strings")).ToList(),
        _ => throw Invalid(path, name, "must be an array of strings"),
    };

    private static SchemaException Invalid(string path, string name, string detail) => new($"{path}.{name}: {detail}");
}
