namespace ZkSync.LocalCluster.Kubelet;

/// <summary>Image references normalised as the container runtimes do (docker/distribution reference.ParseNormalizedNamed
/// with the default tag): <c>busybox</c> is <c>docker.io/library/busybox:latest</c>, <c>me/app</c> is
/// <c>docker.io/me/app:latest</c>, a registry host (a dot or a port in the first part, or <c>localhost</c>) is kept.</summary>
public static class ImageReference
{
    public static string Normalize(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var name = reference.Trim();
        string? digest = null;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = name[at..];
            name = name[..at];
        }

        string? tag = null;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : name[..slash];
        if (slash < 0 || (!first.Contains('.', StringComparison.Ordinal) && !first.Contains(':', StringComparison.Ordinal) && first != "localhost"))
        {
            name = "docker.io/" + name;
        }
        else if (first == "index.docker.io")
        {
            name = "docker.io" + name[first.Length..];
        }

        if (name.StartsWith("docker.io/", StringComparison.Ordinal) && !name["docker.io/".Length..].Contains('/', StringComparison.Ordinal))
        {
            name = "docker.io/library/" + name["docker.io/".Length..];
        }

        if (tag is null && digest is null)
        {
            tag = "latest";
        }

        return name + (tag is null ? "" : ":" + tag) + digest;
    }

    /// <summary>The repository part of a normalised reference (no tag, no digest).</summary>
    public static string Repository(string normalized)
    {
        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? normalized[..at] : normalized;
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }
}
