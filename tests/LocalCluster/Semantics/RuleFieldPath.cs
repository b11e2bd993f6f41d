using System.Text;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// A validation rule's fieldPath (".spec.x", ".labels['a.b']"), checked against the schema and turned into the
/// field path it reports errors at, as apiextensions-apiserver's cel.ValidFieldPath does.
/// </summary>
internal static class RuleFieldPath
{
    /// <summary>The path as field.Path prints it ("x.y", "labels[a.b]"), or null when it does not name a field of the schema.</summary>
    public static string? Resolve(string jsonPath, SchemaNode schema)
    {
        var tokens = Tokenize(jsonPath);
        if (tokens is null)
        {
            return null;
        }

        var path = new StringBuilder();
        var current = schema;
        for (var i = 0; i < tokens.Count; i++)
        {
            string name;
            switch (tokens[i])
            {
                case "[":
                    if (i + 2 >= tokens.Count || tokens[i + 2] != "]")
                    {
                        return null;
                    }

                    var quoted = tokens[i + 1];
                    if (quoted.Length < 2 || quoted[0] != '\'' || quoted[^1] != '\'' || Unescape(quoted[1..^1]) is not { } unescaped)
                    {
                        return null;
                    }

                    name = unescaped;
                    i += 2;
                    break;
                case ".":
                    if (i + 1 >= tokens.Count)
                    {
                        return null;
                    }

                    name = tokens[++i];
                    break;
                default:
                    return null;
            }

            if (current.Properties is not null)
            {
                if (current.Property(name) is not { } property)
                {
                    return null;
                }

                path.Append(path.Length == 0 ? name : "." + name);
                current = property;
            }
            else if (current.AdditionalProperties is { } additional)
            {
                path.Append('[').Append(name).Append(']');
                current = additional;
            }
            else
            {
                return null;
            }
        }

        return path.ToString();
    }

    private static List<string>? Tokenize(string jsonPath)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < jsonPath.Length)
        {
            var c = jsonPath[i];
            if (c is '.' or '[' or ']')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }

            var start = i;
            if (c == '\'')
            {
                i++;
                while (i < jsonPath.Length && !(jsonPath[i] == '\'' && jsonPath[i - 1] != '\\'))
                {
                    i++;
                }

                if (i >= jsonPath.Length)
                {
                    return null;
                }

                i++;
            }
            else
            {
                while (i < jsonPath.Length && jsonPath[i] is not ('.' or '[' or ']'))
                {
                    i++;
                }
            }

            tokens.Add(jsonPath[start..i]);
        }

        return tokens;
    }

    private static string? Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                builder.Append(text[i]);
                continue;
            }

            var escaped = text[++i] switch
            {
                'a' => '\a',
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\v',
                '\'' => '\'',
                '\\' => '\\',
                _ => (char?)null,
            };
            if (escaped is null)
            {
                return null;
            }

            builder.Append(escaped.Value);
        }

        return builder.ToString();
    }
}
