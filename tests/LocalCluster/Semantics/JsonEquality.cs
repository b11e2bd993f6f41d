using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>Deep equality of JSON values with numbers compared by value (1 equals 1.0), as decoded JSON compares in the server.</summary>
internal static class JsonEquality
{
    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (JsonObject x, JsonObject y):
                return x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && DeepEquals(p.Value, other));
            case (JsonArray x, JsonArray y):
                return x.Count == y.Count && x.Zip(y).All(p => DeepEquals(p.First, p.Second));
            case (JsonValue x, JsonValue y):
                return ScalarEquals(GoFormat.Decode(x), GoFormat.Decode(y));
            default:
                return false;
        }
    }

    /// <summary>Whether the data matches an enum value (kube-openapi converts the data to the enum value's type first).</summary>
    public static bool EnumMatches(JsonNode data, JsonNode? enumValue) => enumValue is not null && DeepEquals(data, enumValue);

    private static bool ScalarEquals(object? x, object? y) => (x, y) switch
    {
        (long l, double d) => l == d,
        (double d, long l) => l == d,
        _ => Equals(x, y),
    };
}
