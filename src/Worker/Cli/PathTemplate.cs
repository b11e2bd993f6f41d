using System.Globalization;
using System.Text;

namespace ZkSync.Worker.Cli;

/// <summary>
/// The original's <c>--logfile</c>/<c>--pidfile</c> templates: Python <c>%</c>-formatting with
/// <c>%(session)s</c>, <c>%(rstype)s</c> and <c>%(pid)s</c>; <c>%%</c> is a literal <c>%</c>.
/// </summary>
public static class PathTemplate
{
    /// <exception cref="UsageException">An unknown key or a lone <c>%</c>.</exception>
    public static string Expand(string template, string session, string rsType, int pid)
    {
        ArgumentNullException.ThrowIfNull(template);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["session"] = session,
            ["rstype"] = rsType,
            ["pid"] = pid.ToString(CultureInfo.InvariantCulture),
        };
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '%')
            {
                sb.Append(template[i]);
            }
            else if (i + 1 < template.Length && template[i + 1] == '%')
            {
                sb.Append('%');
                i++;
            }
            else if (i + 1 < template.Length && template[i + 1] == '(' &&
                     template.IndexOf(")s", i, StringComparison.Ordinal) is var close and > 0 &&
                     keys.TryGetValue(template[(i + 2)..close], out var value))
            {
                sb.Append(value);
                i = close + 1;
            }
            else
            {
                throw new UsageException(
                    $"template '{template}': only %(session)s, %(rstype)s, %(pid)s and %% are allowed");
            }
        }

        return sb.ToString();
    }
}
