using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The JSON shape of a KubernetesClient model type: its properties by JSON name, recursing into nested models, lists
/// and dictionaries. Types with no [JsonPropertyName] properties (IntOrString, ResourceQuantity, primitives, byte[],
/// DateTime, object for RawExtension) are leaves that accept anything.
/// </summary>
internal sealed class ModelFields
{
    private static readonly ConcurrentDictionary<Type, ModelFields> Cache = new();

    private readonly Dictionary<string, Type>? _properties;

    private ModelFields(Type type)
    {
        ModelType = type;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.Property.PropertyType, StringComparer.Ordinal);
        _properties = properties.Count > 0 ? properties : null;
    }

    public Type ModelType { get; }

    /// <summary>Whether this is an object with a known field list (as opposed to a leaf that accepts anything).</summary>
    public bool IsObject => _properties is not null;

    public static ModelFields For(Type type) => Cache.GetOrAdd(type, t => new ModelFields(t));

    /// <summary>The declared type of the field <paramref name="jsonName"/>, or null when the model has no such field.</summary>
    public Type? FieldType(string jsonName) =>
        _properties is not null && _properties.TryGetValue(jsonName, out var type) ? type : null;

    /// <summary>The element type of a list type, or null when <paramref name="type"/> is not a list.</summary>
    public static Type? ListElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>));
        return enumerable?.GetGenericArguments()[0];
    }

    /// <summary>The value type of a string-keyed dictionary type, or null when <paramref name="type"/> is not one.</summary>
    public static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[1];
    }

    public void CollectUnknown(JsonObject obj, string path, List<string> unknown)
    {
        if (_properties is null)
        {
            return;
        }

        foreach (var (name, value) in obj)
        {
            var childPath = path + "." + name;
            if (!_properties.TryGetValue(name, out var fieldType))
            {
                unknown.Add(childPath);
                continue;
            }

            CollectUnknownIn(fieldType, value, childPath, unknown);
        }
    }

    private static void CollectUnknownIn(Type type, JsonNode? value, string path, List<string> unknown)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case JsonObject valueObject when DictionaryValueType(type) is { } valueType:
                foreach (var (key, entry) in valueObject)
                {
                    CollectUnknownIn(valueType, entry, path + "." + key, unknown);
                }

                break;
            case JsonObject valueObject:
                For(type).CollectUnknown(valueObject, path, unknown);
                break;
            case JsonArray valueArray when ListElementType(type) is { } elementType:
                for (var i = 0; i < valueArray.Count; i++)
                {
                    CollectUnknownIn(elementType, valueArray[i], $"{path}[{i}]", unknown);
                }

                break;
        }
    }
}
