using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics.JsonPath;

/// <summary>
/// client-go's JSONPath evaluation (util/jsonpath/jsonpath.go FindResults) over System.Text.Json nodes, with missing
/// keys allowed as the server's table convertor and kubectl's custom columns allow them. Runtime errors (an index out of
/// range, filtering a value that is not a list, comparing values of different types) are
/// <see cref="InvalidOperationException"/>s with client-go's messages. A range ... end pair repeats the nodes between
/// them for each value the range selects.
/// </summary>
internal static class JsonPathEvaluator
{
    public static List<List<JsonNode?>> FindResults(JsonNode? data, JsonPathNode.Sequence template)
    {
        var results = new List<List<JsonNode?>>();
        FindResults(data, template.Nodes, results);
        return results;
    }

    private static void FindResults(JsonNode? data, List<JsonPathNode> nodes, List<List<JsonNode?>> results)
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i] is JsonPathNode.Sequence { Nodes: [JsonPathNode.Identifier { Name: "range" }, .. var rangeNodes] })
            {
                var end = MatchingEnd(nodes, i);
                var values = Walk([data], new JsonPathNode.Sequence(rangeNodes));
                var body = nodes.GetRange(i + 1, end - i - 1);
                foreach (var value in values)
                {
                    FindResults(value, body, results);
                }

                i = end;
                continue;
            }

            if (nodes[i] is JsonPathNode.Sequence { Nodes: [JsonPathNode.Identifier { Name: "end" }] })
            {
                throw new InvalidOperationException("not in range, nothing to end");
            }

            results.Add(Walk([data], nodes[i]));
        }
    }

    private static int MatchingEnd(List<JsonPathNode> nodes, int rangeIndex)
    {
        var depth = 0;
        for (var i = rangeIndex + 1; i < nodes.Count; i++)
        {
            switch (nodes[i])
            {
                case JsonPathNode.Sequence { Nodes: [JsonPathNode.Identifier { Name: "range" }, ..] }:
                    depth++;
                    break;
                case JsonPathNode.Sequence { Nodes: [JsonPathNode.Identifier { Name: "end" }] } when depth == 0:
                    return i;
                case JsonPathNode.Sequence { Nodes: [JsonPathNode.Identifier { Name: "end" }] }:
                    depth--;
                    break;
            }
        }

        return nodes.Count;
    }

    private static List<JsonNode?> Walk(List<JsonNode?> input, JsonPathNode node) => node switch
    {
        JsonPathNode.Sequence list => list.Nodes.Aggregate(input, Walk),
        JsonPathNode.Text text => [JsonValue.Create(text.Value)],
        JsonPathNode.Field field => EvalField(input, field),
        JsonPathNode.Slice slice => EvalSlice(input, slice),
        JsonPathNode.Filter filter => EvalFilter(input, filter),
        JsonPathNode.Int integer => input.Select(_ => (JsonNode?)JsonValue.Create(integer.Value)).ToList(),
        JsonPathNode.Float number => input.Select(_ => (JsonNode?)JsonValue.Create(number.Value)).ToList(),
        JsonPathNode.Bool boolean => input.Select(_ => (JsonNode?)JsonValue.Create(boolean.Value)).ToList(),
        JsonPathNode.Wildcard => input.SelectMany(Children).ToList(),
        JsonPathNode.Recursive => EvalRecursive(input),
        JsonPathNode.Union union => union.Members.SelectMany(m => Walk(input, m)).ToList(),
        JsonPathNode.Identifier identifier => throw new InvalidOperationException($"unrecognized identifier {identifier.Name}"),
        _ => throw new InvalidOperationException($"unexpected Node {node}"),
    };

    private static List<JsonNode?> EvalField(List<JsonNode?> input, JsonPathNode.Field field)
    {
        var results = new List<JsonNode?>();
        foreach (var value in input)
        {
            if (value is JsonObject obj && obj.TryGetPropertyValue(field.Name, out var child))
            {
                results.Add(child);
            }
        }

        return results;
    }

    private static List<JsonNode?> EvalSlice(List<JsonNode?> input, JsonPathNode.Slice slice)
    {
        var results = new List<JsonNode?>();
        foreach (var value in input)
        {
            if (value is null)
            {
                continue;
            }

            if (value is not JsonArray array)
            {
                throw new InvalidOperationException($"{GoType(value)} is not array or slice");
            }

            var length = array.Count;
            var start = slice.Start.Known ? slice.Start.Value : 0;
            if (start < 0)
            {
                start += length;
            }

            var end = slice.End.Known ? slice.End.Value : length;
            if (end < 0 || (end == 0 && slice.End.Derived))
            {
                end += length;
            }

            if (end == start)
            {
                return results;
            }

            if (start >= length || start < 0)
            {
                throw new InvalidOperationException($"array index out of bounds: index {start}, length {length}");
            }

            if (end > length || end < 0)
            {
                throw new InvalidOperationException($"array index out of bounds: index {end - 1}, length {length}");
            }

            if (start > end)
            {
                throw new InvalidOperationException($"starting index {start} is greater than ending index {end}");
            }

            var step = 1;
            if (slice.Step.Known)
            {
                step = slice.Step.Value > 0 ? slice.Step.Value : throw new InvalidOperationException("step must be > 0");
            }

            for (var i = start; i < end; i += step)
            {
                results.Add(array[i]);
            }
        }

        return results;
    }

    private static List<JsonNode?> EvalFilter(List<JsonNode?> input, JsonPathNode.Filter filter)
    {
        var results = new List<JsonNode?>();
        foreach (var value in input)
        {
            if (value is not JsonArray array)
            {
                throw new InvalidOperationException($"{GoFormat.V(value)} is not array or slice and cannot be filtered");
            }

            foreach (var item in array)
            {
                var lefts = Walk([item], filter.Left);
                if (filter.Operator == "exists")
                {
                    if (lefts.Count > 0)
                    {
                        results.Add(item);
                    }

                    continue;
                }

                if (lefts.Count == 0)
                {
                    continue;
                }

                var rights = Walk([item], filter.Right);
                if (rights.Count == 0)
                {
                    continue;
                }

                if (lefts.Count > 1 || rights.Count > 1)
                {
                    throw new InvalidOperationException("can only compare one element at a time");
                }

                if (Compare(lefts[0], rights[0], filter.Operator))
                {
                    results.Add(item);
                }
            }
        }

        return results;
    }

    /// <summary>text/template's comparison functions: numbers with numbers, strings with strings, bools for (in)equality.</summary>
    private static bool Compare(JsonNode? left, JsonNode? right, string op)
    {
        var (a, b) = (GoFormat.Decode(left), GoFormat.Decode(right));
        int order;
        switch (a, b)
        {
            case (long or double, long or double):
                order = Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case (string x, string y):
                order = string.CompareOrdinal(x, y);
                break;
            case (bool x, bool y) when op is "==" or "!=":
                order = x == y ? 0 : 1;
                break;
            default:
                throw new InvalidOperationException(op is "==" or "!=" ? "incompatible types for comparison" : "invalid type for comparison");
        }

        return op switch
        {
            "==" => order == 0,
            "!=" => order != 0,
            "<" => order < 0,
            ">" => order > 0,
            "<=" => order <= 0,
            ">=" => order >= 0,
            _ => throw new InvalidOperationException($"unrecognized filter operator {op}"),
        };
    }

    private static IEnumerable<JsonNode?> Children(JsonNode? value) => value switch
    {
        JsonObject obj => obj.Select(p => p.Value),
        JsonArray array => array,
        _ => [],
    };

    private static List<JsonNode?> EvalRecursive(List<JsonNode?> input)
    {
        var results = new List<JsonNode?>();
        foreach (var value in input)
        {
            var children = Children(value).ToList();
            if (children.Count != 0)
            {
                results.Add(value);
                results.AddRange(EvalRecursive(children));
            }
        }

        return results;
    }

    private static string GoType(JsonNode value) => value is JsonObject ? "map[string]interface {}" : GoFormat.Decode(value) switch
    {
        string => "string",
        bool => "bool",
        long => "int64",
        _ => "float64",
    };
}
