using System.Globalization;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// A label selector in the query-string syntax (k8s.io/apimachinery/pkg/labels): <c>a=b</c>,
/// <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, <c>a&gt;1</c>, <c>a&lt;1</c>,
/// comma-separated requirements that must all hold.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    /// <summary>Parses a selector; a malformed one is a 400 as the real server answers.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in SplitTopLevel(text))
        {
            requirements.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    /// <summary>Builds a selector from a <c>metav1.LabelSelector</c> object (matchLabels, matchExpressions).</summary>
    public static LabelSelector FromObject(JsonObject? selector)
    {
        if (selector is null)
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                requirements.Add(new Requirement(key, Operator.Equals, [JsonValues.Display(value)]));
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = JsonValues.String(expression["key"]) ?? "";
                var values = (expression["values"] as JsonArray)?.Select(v => JsonValues.Display(v)).ToList() ?? [];
                var op = JsonValues.String(expression["operator"]) switch
                {
                    "In" => Operator.In,
                    "NotIn" => Operator.NotIn,
                    "Exists" => Operator.Exists,
                    "DoesNotExist" => Operator.DoesNotExist,
                    var other => throw ApiErrors.BadRequest($"\"{other}\" is not a valid label selector operator"),
                };
                requirements.Add(new Requirement(key, op, values));
            }
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject? labels)
    {
        foreach (var requirement in _requirements)
        {
            var present = labels is not null && labels.TryGetPropertyValue(requirement.Key, out _);
            var value = present ? JsonValues.Display(labels![requirement.Key]) : null;
            var ok = requirement.Op switch
            {
                Operator.Equals => value is not null && value == requirement.Values[0],
                Operator.NotEquals => value is null || value != requirement.Values[0],
                Operator.In => value is not null && requirement.Values.Contains(value),
                Operator.NotIn => value is null || !requirement.Values.Contains(value),
                Operator.Exists => present,
                Operator.DoesNotExist => !present,
                Operator.GreaterThan => value is not null && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var g) &&
                                        g > long.Parse(requirement.Values[0], CultureInfo.InvariantCulture),
                Operator.LessThan => value is not null && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) &&
                                     l < long.Parse(requirement.Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
        {
            throw ApiErrors.BadRequest($"unable to parse requirement: found '', expected: identifier (in \"{whole}\")");
        }

        if (part.StartsWith('!'))
        {
            return new Requirement(ValidKey(part[1..].Trim(), whole), Operator.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { (" notin ", Operator.NotIn), (" in ", Operator.In) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var set = part[(at + token.Length)..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')'))
                {
                    throw ApiErrors.BadRequest($"unable to parse requirement: found '{set}', expected: '(' (in \"{whole}\")");
                }

                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).Where(v => v.Length > 0).ToList();
                return new Requirement(ValidKey(part[..at].Trim(), whole), op, values);
            }
        }

        foreach (var (token, op) in new[] { ("==", Operator.Equals), ("!=", Operator.NotEquals), ("=", Operator.Equals), (">", Operator.GreaterThan), ("<", Operator.LessThan) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = part[(at + token.Length)..].Trim();
                if (op is Operator.GreaterThan or Operator.LessThan && !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    throw ApiErrors.BadRequest($"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer (in \"{whole}\")");
                }

                return new Requirement(ValidKey(part[..at].Trim(), whole), op, [value]);
            }
        }

        return new Requirement(ValidKey(part, whole), Operator.Exists, []);
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '!'))
        {
            throw ApiErrors.BadRequest($"unable to parse requirement: invalid label key \"{key}\" (in \"{whole}\")");
        }

        return key;
    }

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values);
}
