using System.Text.RegularExpressions;
using Cel;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// Kubernetes' regex library (find, findAll) and URL library (url, isURL, getScheme, getHost, getHostname, getPort,
/// getEscapedPath, getQuery), from apiserver/pkg/cel/library/regex.go and urls.go.
/// </summary>
internal static partial class CelRegexAndUrls
{
    public static void Register(CelEnvironment env)
    {
        env.RegisterFunction("find", [typeof(string), typeof(string)], a => CelStrings.Regex((string)a[1]!).Match((string)a[0]!) is { Success: true } m ? m.Value : "");
        env.RegisterFunction("findAll", [typeof(string), typeof(string)], a => FindAll((string)a[0]!, (string)a[1]!, -1));
        env.RegisterFunction("findAll", [typeof(string), typeof(string), typeof(long)], a => FindAll((string)a[0]!, (string)a[1]!, (long)a[2]!));
        env.RegisterFunction("url", [typeof(string)], a => ParseUrl((string)a[0]!) ?? throw new CelEvaluationException($"URL parse error during conversion from string: parse \"{a[0]}\": invalid URI for request"));
        env.RegisterFunction("isURL", [typeof(string)], a => ParseUrl((string)a[0]!) is not null);
        env.RegisterFunction("getScheme", [typeof(CelUrl)], a => ((CelUrl)a[0]!).Scheme);
        env.RegisterFunction("getHost", [typeof(CelUrl)], a => ((CelUrl)a[0]!).Host);
        env.RegisterFunction("getHostname", [typeof(CelUrl)], a => ((CelUrl)a[0]!).Hostname);
        env.RegisterFunction("getPort", [typeof(CelUrl)], a => ((CelUrl)a[0]!).Port);
        env.RegisterFunction("getEscapedPath", [typeof(CelUrl)], a => ((CelUrl)a[0]!).EscapedPath);
        env.RegisterFunction("getQuery", [typeof(CelUrl)], a => ((CelUrl)a[0]!).Query());
    }

    private static object?[] FindAll(string text, string pattern, long limit)
    {
        if (limit == 0)
        {
            return [];
        }

        var matches = CelStrings.Regex(pattern).Matches(text).Select(m => (object?)m.Value);
        return (limit > 0 ? matches.Take((int)Math.Min(limit, int.MaxValue)) : matches).ToArray();
    }

    /// <summary>url.ParseRequestURI: an absolute URI ("https://host:port/path?query") or an absolute path.</summary>
    private static CelUrl? ParseUrl(string text)
    {
        if (text.Length == 0 || text.Any(c => char.IsControl(c) || c == ' ') || text.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        if (text[0] == '/')
        {
            var queryStart = text.IndexOf('?', StringComparison.Ordinal);
            return new CelUrl("", "", queryStart < 0 ? text : text[..queryStart], queryStart < 0 ? "" : text[(queryStart + 1)..]);
        }

        var match = UrlPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var host = match.Groups["authority"].Success ? match.Groups["authority"].Value : "";
        var at = host.LastIndexOf('@');
        if (at >= 0)
        {
            host = host[(at + 1)..];
        }

        return new CelUrl(match.Groups["scheme"].Value, host, match.Groups["path"].Value, match.Groups["query"].Value);
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*):(//(?<authority>[^/?]*))?(?<path>[^?]*)(\?(?<query>.*))?\z")]
    private static partial Regex UrlPattern();
}
