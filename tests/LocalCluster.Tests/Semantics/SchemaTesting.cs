using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>Small helpers for the semantics tests: JSON from text, schemas from property lists, error texts.</summary>
internal static class SchemaTesting
{
    public static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new ArgumentException("null JSON", nameof(text));

    public static JsonObject Object(string text) => Json(text).AsObject();

    /// <summary>A CRD root schema with the given properties (JSON object text) and optional root rules.</summary>
    public static CustomResourceSchema RootSchema(string properties, params string[] rules)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = Json(properties),
        };
        if (rules.Length > 0)
        {
            schema["x-kubernetes-validations"] = new JsonArray(rules.Select(r => (JsonNode?)new JsonObject { ["rule"] = r }).ToArray());
        }

        return CustomResourceSchema.FromOpenApiV3(schema);
    }

    /// <summary>The errors as the server's aggregate lists them ("spec.x: Invalid value: ...").</summary>
    public static string[] Texts(IEnumerable<FieldError> errors) => errors.Select(e => e.ToString()).ToArray();
}
