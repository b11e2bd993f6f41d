namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// A generated tree of directories and files on the host (a volume's content): <paramref name="fanOut"/> directories
/// per level down to <paramref name="levels"/>, <paramref name="filesPerDirectory"/> files of pseudo-random bytes in
/// each (seeded: the same arguments give the same tree), plus an empty directory and an empty file.
/// </summary>
public sealed class DataTree
{
    private DataTree(string root, int directories, int pathsToDepth2, int files, long bytes)
    {
        Root = root;
        Directories = directories;
        PathsToDepth2 = pathsToDepth2;
        Files = files;
        Bytes = bytes;
    }

    public string Root { get; }

    /// <summary>Directories under the root (the root not counted).</summary>
    public int Directories { get; }

    /// <summary>zkrsync's units of work at depth 2: the root and every directory one or two levels down.</summary>
    public int PathsToDepth2 { get; }

    /// <summary>Regular files in the tree.</summary>
    public int Files { get; }

    /// <summary>Their total size.</summary>
    public long Bytes { get; }

    public static DataTree Create(string root, int fanOut, int levels, int filesPerDirectory, int fileBytes, int seed = 15)
    {
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        int directories = 0, paths = 1, files = 0;
        long bytes = 0;
        void Fill(string directory, int level)
        {
            for (var f = 0; f < filesPerDirectory; f++)
            {
                var content = new byte[fileBytes + random.Next(fileBytes / 2 + 1)];
                random.NextBytes(content);
                File.WriteAllBytes(Path.Combine(directory, $"file-{f}.bin"), content);
                files++;
                bytes += content.Length;
            }

            if (level == levels)
            {
                return;
            }

            for (var d = 0; d < fanOut; d++)
            {
                var child = Directory.CreateDirectory(Path.Combine(directory, $"dir-{level + 1}-{d}")).FullName;
                directories++;
                if (level + 1 <= 2)
                {
                    paths++;
                }

                Fill(child, level + 1);
            }
        }

        Fill(root, 0);
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        directories++;
        paths++;
        File.WriteAllBytes(Path.Combine(root, "dir-1-0", "empty-file"), []);
        files++;
        return new DataTree(root, directories, paths, files, bytes);
    }
}
