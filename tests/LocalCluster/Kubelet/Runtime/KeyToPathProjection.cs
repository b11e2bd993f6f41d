using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The files of a Secret or ConfigMap volume (or projection) from the object's data, its <c>items</c> and
/// <c>defaultMode</c>, as the kubelet's secret and configmap volume plugins make their payload.
/// </summary>
public static class KeyToPathProjection
{
    /// <summary>
    /// Without <paramref name="items"/> every key becomes a file of that name with <paramref name="defaultMode"/>;
    /// with them only the listed keys, at their <c>path</c>, with their <c>mode</c> or the default. A listed key
    /// the data lacks is an error unless <paramref name="optional"/>.
    /// </summary>
    /// <param name="kind"><c>Secret</c> or <c>ConfigMap</c>: the kubelet words the missing-key error after it.</param>
    /// <exception cref="ArgumentException">A missing key, or a path that is absolute or climbs out with <c>..</c>.</exception>
    public static IReadOnlyList<ProjectedFile> Project(
        string kind,
        IReadOnlyDictionary<string, byte[]> data,
        IReadOnlyList<V1KeyToPath>? items,
        int defaultMode,
        bool optional)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (items is null || items.Count == 0)
        {
            return data.OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new ProjectedFile(CheckPath(pair.Key), pair.Value, defaultMode))
                .ToList();
        }

        var files = new List<ProjectedFile>();
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var content))
            {
                if (optional)
                {
                    continue;
                }

                throw new ArgumentException(kind == "ConfigMap"
                    ? $"configmap references non-existent config key: {item.Key}"
                    : $"references non-existent secret key: {item.Key}");
            }

            files.Add(new ProjectedFile(CheckPath(item.Path), content, item.Mode ?? defaultMode));
        }

        return files;
    }

    /// <summary>A projected file's path: relative, without <c>..</c> components (API validation's rule).</summary>
    public static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.StartsWith('/') || path.Split('/').Any(part => part == ".."))
        {
            throw new ArgumentException($"invalid path {path}: must be relative and may not contain '..'");
        }

        return path;
    }
}
