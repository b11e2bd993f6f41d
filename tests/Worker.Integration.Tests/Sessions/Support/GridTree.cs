namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// A tree of <c>directories</c> × <c>subdirectories</c>, a file in each (and one at the top), for sessions that must
/// last a while and queue many paths: at depth 2 the walk queues the base, each directory and each subdirectory.
/// </summary>
public static class GridTree
{
    public const int Depth = 2;

    /// <summary>Builds the tree; each file has <paramref name="fileBytes"/> bytes (plus a few, so no two are alike).</summary>
    public static void Build(string root, int directories, int subdirectories, int fileBytes)
    {
        var tree = new TreeBuilder(root).File("top.txt", fileBytes);
        for (var d = 0; d < directories; d++)
        {
            tree.File($"d{d}/file.txt", fileBytes + d);
            for (var s = 0; s < subdirectories; s++)
            {
                tree.File($"d{d}/s{s}/data.bin", fileBytes + (d * 100) + s);
            }
        }

        tree.Seal();
    }

    /// <summary>Paths the walk queues at <see cref="Depth"/>.</summary>
    public static int Entries(int directories, int subdirectories) => 1 + directories + (directories * subdirectories);

    /// <summary>Regular files in the tree.</summary>
    public static int Files(int directories, int subdirectories) => 1 + directories + (directories * subdirectories);
}
