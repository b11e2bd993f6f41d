using System.Net;

namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>A parsed URL as Kubernetes' URL library exposes it.</summary>
internal sealed record CelUrl(string Scheme, string Host, string EscapedPath, string RawQuery)
{
    /// <summary>The host without its port, and an IPv6 address without its brackets.</summary>
    public string Hostname
    {
        get
        {
            if (Host.StartsWith('['))
            {
                var end = Host.IndexOf(']', StringComparison.Ordinal);
                return end > 0 ? Host[1..end] : Host;
            }

            var colon = Host.LastIndexOf(':');
            return colon >= 0 ? Host[..colon] : Host;
        }
    }

    public string Port
    {
        get
        {
            var close = Host.LastIndexOf(']');
            var colon = Host.LastIndexOf(':');
            return colon > close ? Host[(colon + 1)..] : "";
        }
    }

    /// <summary>The query as a map from names to their values, in order (url.Values).</summary>
    public Dictionary<string, object?> Query()
    {
        var values = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        foreach (var pair in RawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = WebUtility.UrlDecode(equals < 0 ? pair : pair[..equals]);
            var value = WebUtility.UrlDecode(equals < 0 ? "" : pair[(equals + 1)..]);
            if (!values.TryGetValue(key, out var list))
            {
                values[key] = list = [];
            }

            list.Add(value);
        }

        return values.ToDictionary(p => p.Key, p => (object?)p.Value.ToArray(), StringComparer.Ordinal);
    }
}
