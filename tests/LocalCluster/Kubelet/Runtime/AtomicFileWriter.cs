using System.Globalization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// Writes a projected volume's files as the kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): the files
/// in a fresh <c>..YYYY_MM_DD_hh_mm_ss.N</c> directory, <c>..data</c> switched to it by one rename, and a link
/// per top-level name pointing through <c>..data</c>; so a reader sees the old set or the new one, never a mix.
/// </summary>
internal static class AtomicFileWriter
{
    public const string DataLink = "..data";
    private const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101; // 0755

    public static void Write(string directory, IReadOnlyList<ProjectedFile> files, int defaultMode, long? fsGroup, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(files);
        var duplicate = files.GroupBy(file => file.Path, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"duplicate path {duplicate.Key} in the volume's files");
        }

        CreateDirectory(directory);
        var stamp = ".." + now.UtcDateTime.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture);
        var version = stamp + "." + Random.Shared.Next().ToString(CultureInfo.InvariantCulture);
        var versionPath = Path.Combine(directory, version);
        CreateDirectory(versionPath);
        foreach (var file in files)
        {
            var path = Path.Combine(versionPath, KeyToPathProjection.CheckPath(file.Path));
            CreateParents(versionPath, Path.GetDirectoryName(path)!, fsGroup);
            File.WriteAllBytes(path, file.Content.ToArray());
            var mode = file.Mode ?? defaultMode;
            if (fsGroup is { } group)
            {
                // The kubelet's SetVolumeOwnership for a read-only volume: group-owned by fsGroup, group-readable.
                LinuxNative.ChangeGroup(path, group);
                mode |= 0b100_100_000; // 0440
            }

            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0b111_111_111_111));
        }

        var dataLink = Path.Combine(directory, DataLink);
        var previous = new FileInfo(dataLink).LinkTarget;
        var temporaryLink = Path.Combine(directory, DataLink + "_tmp");
        File.Delete(temporaryLink);
        File.CreateSymbolicLink(temporaryLink, version);
        LinuxNative.Rename(temporaryLink, dataLink); // rename(2) replaces the link itself, atomically

        var visible = files.Select(file => file.Path.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var name in visible)
        {
            var link = Path.Combine(directory, name);
            if (new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, DataLink + "/" + name);
            }
        }

        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (!entry.Name.StartsWith("..", StringComparison.Ordinal) && entry.LinkTarget is not null && !visible.Contains(entry.Name))
            {
                entry.Delete();
            }
        }

        if (previous is not null && previous != version)
        {
            Directory.Delete(Path.Combine(directory, previous), recursive: true);
        }
    }

    /// <summary>A directory every user the containers run as can read, whatever the runtime's umask.</summary>
    private static void CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    private static void CreateParents(string root, string directory, long? fsGroup)
    {
        if (directory.Length <= root.Length || Directory.Exists(directory))
        {
            return;
        }

        CreateParents(root, Path.GetDirectoryName(directory)!, fsGroup);
        CreateDirectory(directory);
        if (fsGroup is { } group)
        {
            LinuxNative.ChangeGroup(directory, group);
        }
    }
}
