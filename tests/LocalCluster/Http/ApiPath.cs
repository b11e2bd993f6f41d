namespace ZkSync.LocalCluster.Http;

/// <summary>
/// A request path split as the real server's RequestInfoFactory splits it: an API prefix
/// (<c>/api/v1</c>, <c>/apis/GROUP/VERSION</c>) then <c>[namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]]</c>,
/// where <c>namespaces/NAME/status</c> and <c>namespaces/NAME/finalize</c> are the namespace's own
/// subresources; the legacy <c>/watch/</c> prefix marks a watch. Anything else is a non-resource path.
/// </summary>
public sealed record ApiPath
{
    public bool IsResource { get; private init; }

    public string Group { get; private init; } = "";

    public string Version { get; private init; } = "";

    public string? Namespace { get; private init; }

    public string Resource { get; private init; } = "";

    public string Name { get; private init; } = "";

    public string Subresource { get; private init; } = "";

    public bool LegacyWatch { get; private init; }

    /// <summary>The number of path segments after the prefix (0: the group-version itself).</summary>
    public int Depth { get; private init; }

    public static ApiPath Parse(string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int rest;
        string group;
        string version;
        if (parts.Length >= 2 && parts[0] == "api")
        {
            group = "";
            version = parts[1];
            rest = 2;
        }
        else if (parts.Length >= 3 && parts[0] == "apis")
        {
            group = parts[1];
            version = parts[2];
            rest = 3;
        }
        else
        {
            return new ApiPath();
        }

        var segments = parts[rest..].Select(Uri.UnescapeDataString).ToList();
        var watch = false;
        if (segments.Count > 0 && segments[0] == "watch")
        {
            watch = true;
            segments.RemoveAt(0);
        }

        string? ns = null;
        if (segments.Count >= 2 && segments[0] == "namespaces" && !(segments.Count == 3 && segments[2] is "status" or "finalize"))
        {
            if (segments.Count > 2)
            {
                ns = segments[1];
                segments.RemoveRange(0, 2);
            }
        }

        return new ApiPath
        {
            IsResource = segments.Count > 0,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = segments.ElementAtOrDefault(0) ?? "",
            Name = segments.ElementAtOrDefault(1) ?? "",
            Subresource = segments.ElementAtOrDefault(2) ?? "",
            LegacyWatch = watch,
            Depth = segments.Count,
        };
    }
}
