using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace ZkSync.Operator.Tests.Entities;

/// <summary>
/// Evaluates the CRD's <c>x-kubernetes-validations</c> on an object (and, for transition rules, its old version) as
/// the API server does: each rule with <c>self</c> bound to the value at its node, only where that value is present,
/// and rules naming <c>oldSelf</c> only when the old value is present too. Returns the messages of the rules that fail.
/// </summary>
internal static class CelRules
{
    private static readonly CelEnvironment Environment = new([], null);

    public static List<string> Failures(JsonObject schema, JsonObject value, JsonObject? old = null)
    {
        var failures = new List<string>();
        Visit(schema, value, old, failures);
        return failures;
    }

    private static void Visit(JsonObject schema, JsonNode? value, JsonNode? old, List<string> failures)
    {
        if (value is null)
        {
            return;
        }

        foreach (var validation in schema["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            var rule = (string)validation!["rule"]!;
            var transition = rule.Contains("oldSelf", StringComparison.Ordinal);
            if (transition && old is null)
            {
                continue;
            }

            var variables = new Dictionary<string, object?> { ["self"] = ToCel(value) };
            if (transition)
            {
                variables["oldSelf"] = ToCel(old);
            }

            var result = Environment.Compile(rule).Invoke(variables);
            if (result is not true)
            {
                failures.Add((string?)validation["message"] ?? rule);
            }
        }

        if (value is JsonObject obj)
        {
            foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
            {
                Visit(child!.AsObject(), obj[name], (old as JsonObject)?[name], failures);
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Visit(items, item, null, failures);
            }
        }
    }

    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToCel(p.Value)),
        JsonArray array => array.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var l)
                ? l
                : double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
