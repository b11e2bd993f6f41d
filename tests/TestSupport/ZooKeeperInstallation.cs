namespace ZkSync.Testing;

/// <summary>
/// Where Debian's ZooKeeper 3.8 package (<c>apt-get install zookeeper</c>) and Java live.
/// Missing pieces throw with the command that installs them: tests never skip silently.
/// </summary>
internal static class ZooKeeperInstallation
{
    public const string ZooKeeperJar = "/usr/share/java/zookeeper.jar";
    public const string Slf4jSimpleJar = "/usr/share/java/slf4j-simple.jar";
    public const string StandaloneMainClass = "org.apache.zookeeper.server.ZooKeeperServerMain";
    public const string QuorumPeerMainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private const string InstallHint = "install it with: apt-get install -y zookeeper rsync python3-kazoo (or run ./test.sh, which does)";

    public static string ClassPath => $"{ZooKeeperJar}:{Slf4jSimpleJar}";

    public static string FindJava()
    {
        var candidates = new List<string>();
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrEmpty(javaHome))
        {
            candidates.Add(Path.Combine(javaHome, "bin", "java"));
        }

        candidates.Add("/usr/bin/java");
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        candidates.AddRange(path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(directory => Path.Combine(directory, "java")));

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"Java was not found (JAVA_HOME, /usr/bin/java, PATH): {InstallHint}");
    }

    public static void EnsureInstalled()
    {
        foreach (var jar in new[] { ZooKeeperJar, Slf4jSimpleJar })
        {
            if (!File.Exists(jar))
            {
                throw new InvalidOperationException($"{jar} was not found: {InstallHint}");
            }
        }
    }
}
