using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics.JsonPath;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>kubectl/client-go JSONPath templates, as additionalPrinterColumns and custom columns use them.</summary>
public static class JsonPathTemplate
{
    /// <summary>
    /// The values <paramref name="jsonPath"/> selects in <paramref name="root"/>, in order: every action's results one
    /// after the other (literal text as string values). The path may be bare (".status.phase", as a CRD's printer
    /// column names it: the server wraps it in braces) or a template ("{.metadata.name}", ranges, wildcards, filters,
    /// unions, slices). Missing fields select nothing, as the server's table convertor allows; a runtime error (an
    /// index out of range, filtering something that is not a list) selects nothing too, as the server then prints an
    /// empty cell. A template that does not parse throws <see cref="ArgumentException"/> with client-go's message.
    /// </summary>
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode root, string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(jsonPath);
        var template = Parse(jsonPath);
        try
        {
            return JsonPathEvaluator.FindResults(root, template).SelectMany(r => r).ToList();
        }
        catch (InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>Parses <paramref name="jsonPath"/> (bare paths wrapped in braces); throws ArgumentException when it does not parse.</summary>
    public static void Validate(string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        _ = Parse(jsonPath);
    }

    /// <summary>
    /// A selected value as client-go prints it (PrintResults): strings as they are, numbers and booleans as Go's %v,
    /// null as "null", objects and lists as Go's compact JSON (keys sorted). This is what a printer column of type
    /// string shows.
    /// </summary>
    public static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject or JsonArray => GoJson.Marshal(value),
        _ => GoFormat.Decode(value) switch
        {
            string s => s,
            var scalar => GoFormat.V(scalar),
        },
    };

    /// <summary>
    /// The template's output as `kubectl get -o jsonpath=...` prints it (client-go's Execute): each action's values
    /// separated by spaces, literal text as it is, missing keys printing nothing. Parse and runtime errors throw
    /// (<see cref="ArgumentException"/>, <see cref="InvalidOperationException"/>) with client-go's messages.
    /// </summary>
    public static string Format(JsonNode root, string template)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(template);
        return string.Concat(JsonPathEvaluator.FindResults(root, JsonPathParser.Parse(template))
            .Select(values => string.Join(" ", values.Select(Text))));
    }

    private static JsonPathNode.Sequence Parse(string jsonPath) =>
        JsonPathParser.Parse(jsonPath.Contains('{', StringComparison.Ordinal) ? jsonPath : "{" + jsonPath + "}");
}
