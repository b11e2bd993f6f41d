namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>Paths in the repository the tests run from (found upwards from the test assembly by ZkSyncOperator.sln).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Path.Combine(Root, "charts", "zksync-operator");

    public static string Examples => Path.Combine(Root, "examples");

    public static string EndToEndScripts => Path.Combine(Root, "tests", "e2e");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkSyncOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no ZkSyncOperator.sln above {AppContext.BaseDirectory}");
    }
}
