using System.Globalization;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// RFC 6902 JSON patch. As evanphx/json-patch v4 (what kube-apiserver applies), an array index may also be negative,
/// counting from the end, and every operation fails when its path does not exist (except add's last segment).
/// </summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        JsonNode? root = document;
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject operation)
            {
                throw new PatchException($"operation {i} is not a JSON object");
            }

            root = ApplyOne(root, operation, i);
        }

        return root ?? throw new PatchException("the patch removed the whole document");
    }

    private static JsonNode? ApplyOne(JsonNode? root, JsonObject operation, int index)
    {
        var op = RequiredString(operation, "op", index);
        var path = JsonPointer.Parse(RequiredString(operation, "path", index));
        switch (op)
        {
            case "add":
                return Add(root, path, RequiredValue(operation, index), op);
            case "remove":
                Remove(root, path, op);
                return path.IsRoot ? null : root;
            case "replace":
                {
                    var value = RequiredValue(operation, index);
                    if (path.IsRoot)
                    {
                        return value;
                    }

                    Replace(root, path, value, op);
                    return root;
                }

            case "move":
                {
                    var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                    if (path.IsProperDescendantOf(from))
                    {
                        throw new PatchException($"move operation {index}: \"path\" {path} is inside \"from\" {from}");
                    }

                    var value = Resolve(root, from, op)?.DeepClone();
                    Remove(root, from, op);
                    return from.IsRoot ? value : Add(root, path, value, op);
                }

            case "copy":
                {
                    var from = JsonPointer.Parse(RequiredString(operation, "from", index));
                    return Add(root, path, Resolve(root, from, op)?.DeepClone(), op);
                }

            case "test":
                {
                    var expected = RequiredValue(operation, index);
                    var actual = Resolve(root, path, op);
                    if (!JsonNode.DeepEquals(actual, expected))
                    {
                        throw new PatchException($"testing value {path} failed: test failed");
                    }

                    return root;
                }

            default:
                throw new PatchException($"Unexpected kind: {op}");
        }
    }

    private static string RequiredString(JsonObject operation, string name, int index) =>
        operation.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new PatchException($"operation {index} does not have a string \"{name}\"");

    private static JsonNode? RequiredValue(JsonObject operation, int index) =>
        operation.TryGetPropertyValue("value", out var node)
            ? node?.DeepClone()
            : throw new PatchException($"operation {index} does not have a \"value\"");

    private static JsonNode? Add(JsonNode? root, JsonPointer path, JsonNode? value, string op)
    {
        if (path.IsRoot)
        {
            return value;
        }

        var parent = Resolve(root, path.Parent, op);
        var last = path.Last;
        switch (parent)
        {
            case JsonObject parentObject:
                parentObject[last] = value;
                break;
            case JsonArray parentArray:
                {
                    if (last == "-")
                    {
                        parentArray.Add(value);
                        break;
                    }

                    var at = ArrayIndex(parentArray, last, parentArray.Count, op, path);
                    parentArray.Insert(at, value);
                    break;
                }

            default:
                throw new PatchException($"{op} operation does not apply: doc is missing path: \"{path}\"");
        }

        return root;
    }

    private static void Remove(JsonNode? root, JsonPointer path, string op)
    {
        if (path.IsRoot)
        {
            return;
        }

        var parent = Resolve(root, path.Parent, op);
        var last = path.Last;
        switch (parent)
        {
            case JsonObject parentObject when parentObject.ContainsKey(last):
                parentObject.Remove(last);
                break;
            case JsonArray parentArray:
                parentArray.RemoveAt(ArrayIndex(parentArray, last, parentArray.Count - 1, op, path));
                break;
            default:
                throw new PatchException($"{op} operation does not apply: doc is missing path: \"{path}\"");
        }
    }

    private static void Replace(JsonNode? root, JsonPointer path, JsonNode? value, string op)
    {
        var parent = Resolve(root, path.Parent, op);
        var last = path.Last;
        switch (parent)
        {
            case JsonObject parentObject when parentObject.ContainsKey(last):
                parentObject[last] = value;
                break;
            case JsonArray parentArray:
                parentArray[ArrayIndex(parentArray, last, parentArray.Count - 1, op, path)] = value;
                break;
            default:
                throw new PatchException($"{op} operation does not apply: doc is missing key: \"{path}\"");
        }
    }

    private static JsonNode? Resolve(JsonNode? root, JsonPointer path, string op)
    {
        var current = root;
        foreach (var segment in path.Segments)
        {
            current = current switch
            {
                JsonObject currentObject when currentObject.TryGetPropertyValue(segment, out var child) => child,
                JsonArray currentArray => currentArray[ArrayIndex(currentArray, segment, currentArray.Count - 1, op, path)],
                _ => throw new PatchException($"{op} operation does not apply: doc is missing path: \"{path}\""),
            };
        }

        return current;
    }

    /// <summary>An array index in [-count, max]; a negative one counts from the end (evanphx/json-patch v4).</summary>
    private static int ArrayIndex(JsonArray array, string segment, int max, string op, JsonPointer path)
    {
        if (segment.Length == 0 || (segment.Length > 1 && segment[0] == '0') ||
            !int.TryParse(segment, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            throw new PatchException($"{op} operation does not apply: \"{segment}\" is not an array index in \"{path}\"");
        }

        if (index < 0)
        {
            index += array.Count;
        }

        if (index < 0 || index > max)
        {
            throw new PatchException($"{op} operation does not apply: index {segment} is out of bounds in \"{path}\"");
        }

        return index;
    }
}
