using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>kubectl/client-go JSONPath templates, as additionalPrinterColumns and custom columns use them.</summary>
public static class JsonPathTemplate
{
    /// <summary>
    /// The values <paramref name="jsonPath"/> selects in <paramref name="root"/>, in document order. The path may be bare
    /// (".status.phase", as a CRD's printer column names it; the server wraps it in braces) or a template
    /// ("{.metadata.name}"); a missing field selects nothing.
    /// </summary>
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode root, string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(jsonPath);
        var path = jsonPath.Trim();
        if (path.StartsWith('{') && path.EndsWith('}'))
        {
            path = path[1..^1];
        }

        IEnumerable<JsonNode?> current = [root];
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            current = current.OfType<JsonObject>()
                .Where(o => o.ContainsKey(segment))
                .Select(o => o[segment])
                .ToList();
        }

        return current.ToList();
    }
}
