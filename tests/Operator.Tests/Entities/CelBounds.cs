using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ZkSync.Operator.Tests.Entities;

/// <summary>
/// What a real API server's CEL cost estimator needs: every string a rule touches has <c>maxLength</c> (or an
/// enum), every list <c>maxItems</c>, every map <c>maxProperties</c>, recursively for objects a rule compares
/// whole (<c>self == oldSelf</c>). A rule touches <c>self</c> and each <c>self.a.b</c> chain it names.
/// Exempt: <c>metadata</c> (the server bounds names itself) and free-form objects that preserve unknown fields
/// (the server sizes them from the request limit).
/// </summary>
internal static partial class CelBounds
{
    public static List<string> FindUnbounded(JsonObject schema)
    {
        var problems = new List<string>();
        Visit(schema, "", problems);
        return problems;
    }

    /// <summary>Every rule in the schema with the path of the node that holds it.</summary>
    public static IEnumerable<(string Path, string Rule, string Message)> Rules(JsonObject schema)
    {
        var found = new List<(string, string, string)>();
        Collect(schema, "", found);
        return found;
    }

    private static void Collect(JsonObject node, string path, List<(string, string, string)> found)
    {
        foreach (var validation in node["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            found.Add((path, (string)validation!["rule"]!, (string?)validation["message"] ?? string.Empty));
        }

        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
        {
            Collect(child!.AsObject(), path.Length == 0 ? name : path + "." + name, found);
        }

        if (node["items"] is JsonObject items)
        {
            Collect(items, path + "[]", found);
        }
    }

    private static void Visit(JsonObject node, string path, List<string> problems)
    {
        foreach (var validation in node["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            var rule = (string)validation!["rule"]!;
            foreach (var chain in TouchedChains(rule))
            {
                var target = Resolve(node, chain);
                var targetPath = chain.Count == 0 ? path : path + "." + string.Join('.', chain);
                if (target is null)
                {
                    if (chain.FirstOrDefault() != "metadata")
                    {
                        problems.Add($"{targetPath}: rule '{rule}' names a field the schema lacks");
                    }

                    continue;
                }

                CheckBounded(target, targetPath, rule, problems);
            }
        }

        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
        {
            Visit(child!.AsObject(), path.Length == 0 ? name : path + "." + name, problems);
        }

        if (node["items"] is JsonObject items)
        {
            Visit(items, path + "[]", problems);
        }
    }

    /// <summary>The property chains after <c>self</c> / <c>oldSelf</c> in a rule; the empty chain is <c>self</c> itself.</summary>
    private static List<List<string>> TouchedChains(string rule) =>
        SelfChain().Matches(rule)
            .Select(m => m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).ToList())
            .Select(chain => chain.TakeWhile(part => !IsMacroOrFunction(part)).ToList())
            .ToList();

    private static bool IsMacroOrFunction(string part) =>
        part is "all" or "exists" or "exists_one" or "map" or "filter" or "startsWith" or "endsWith" or "contains" or "matches" or "size";

    private static JsonObject? Resolve(JsonObject node, List<string> chain)
    {
        var current = node;
        foreach (var part in chain)
        {
            if (current["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true && current["properties"] is null)
            {
                return current; // free-form: exempt (see the class comment)
            }

            if (current["properties"]?[part] is not JsonObject next)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static void CheckBounded(JsonObject node, string path, string rule, List<string> problems)
    {
        if (node["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true && node["properties"] is null)
        {
            return;
        }

        switch ((string?)node["type"])
        {
            case "string":
                if (node["maxLength"] is null && node["enum"] is null && (string?)node["format"] != "date-time")
                {
                    problems.Add($"{path}: string touched by rule '{rule}' has no maxLength");
                }

                break;
            case "array":
                if (node["maxItems"] is null)
                {
                    problems.Add($"{path}: list touched by rule '{rule}' has no maxItems");
                }

                CheckBounded(node["items"]!.AsObject(), path + "[]", rule, problems);
                break;
            case "object":
                if (node["additionalProperties"] is JsonObject values)
                {
                    if (node["maxProperties"] is null)
                    {
                        problems.Add($"{path}: map touched by rule '{rule}' has no maxProperties");
                    }

                    CheckBounded(values, path + "{}", rule, problems);
                }

                foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
                {
                    CheckBounded(child!.AsObject(), path + "." + name, rule, problems);
                }

                break;
        }
    }

    [GeneratedRegex(@"\b(?:self|oldSelf)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex SelfChain();
}
