namespace ZkSync.Chart.Tests.Support;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Path.Combine(Root, "charts", "zksync-operator");

    public static string Crd => Path.Combine(Root, "crds", "zksync.io_zkrsyncsessions.yaml");

    public static string Examples => Path.Combine(Root, "examples");

    public static string EndToEnd => Path.Combine(Root, "tests", "e2e");

    public static string Dockerfile => Path.Combine(Root, "Dockerfile");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkSyncOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ZkSyncOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
