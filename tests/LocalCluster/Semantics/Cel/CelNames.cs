using System.Text;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// How property names appear in CEL (apiserver/pkg/cel/escaping.go): reserved words become "__name__", and
/// "__", ".", "-", "/" become "__underscores__", "__dot__", "__dash__", "__slash__"; names with other characters,
/// or starting with a digit, are not accessible at all.
/// </summary>
internal static class CelNames
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while",
    };

    public static string? Escape(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return null;
        }

        if (Reserved.Contains(name))
        {
            return "__" + name + "__";
        }

        var builder = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_' && i + 1 < name.Length && name[i + 1] == '_')
            {
                builder.Append("__underscores__");
                i++;
            }
            else if (c == '.')
            {
                builder.Append("__dot__");
            }
            else if (c == '-')
            {
                builder.Append("__dash__");
            }
            else if (c == '/')
            {
                builder.Append("__slash__");
            }
            else if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                builder.Append(c);
            }
            else
            {
                return null;
            }
        }

        return builder.ToString();
    }
}
