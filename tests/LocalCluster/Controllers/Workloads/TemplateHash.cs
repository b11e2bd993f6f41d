using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Controllers.Workloads;

/// <summary>
/// A pod template's hash as the controllers name what they make after it (<c>pod-template-hash</c>, a
/// StatefulSet's <c>controller-revision-hash</c>): FNV-1a (32 bits) of the template with its keys sorted, plus the
/// collision count, written as rand.SafeEncodeString writes digits (no vowels, no look-alikes).
/// </summary>
public static class TemplateHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(JsonNode? template, long collisionCount = 0)
    {
        var text = new StringBuilder();
        Canonical(template, text);
        if (collisionCount > 0)
        {
            text.Append(collisionCount.ToString(CultureInfo.InvariantCulture));
        }

        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text.ToString()))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        var digits = hash.ToString(CultureInfo.InvariantCulture);
        var encoded = new StringBuilder(digits.Length);
        foreach (var digit in digits)
        {
            encoded.Append(Alphabet[digit % Alphabet.Length]);
        }

        return encoded.ToString();
    }

    /// <summary>Whether two templates are equal once the given label is ignored (EqualIgnoreHash).</summary>
    public static bool EqualIgnoringLabel(JsonNode? a, JsonNode? b, string label)
    {
        static string Without(JsonNode? template, string label)
        {
            var copy = template?.DeepClone();
            if (copy?["metadata"]?["labels"] is JsonObject labels)
            {
                labels.Remove(label);
                if (labels.Count == 0)
                {
                    ((JsonObject)copy["metadata"]!).Remove("labels");
                }
            }

            var text = new StringBuilder();
            Canonical(copy, text);
            return text.ToString();
        }

        return Without(a, label) == Without(b, label);
    }

    private static void Canonical(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(key).Append(':');
                    Canonical(value, text);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                foreach (var item in array)
                {
                    Canonical(item, text);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case null:
                text.Append("null");
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
