using ZkSync.Worker.InitTree;

namespace ZkSync.Worker.Cli;

/// <summary>Options of <c>zkrsync initree</c>: the original zkinitree's <c>--servers</c> plus the framework's.</summary>
public static class InitTreeOptionsParser
{
    /// <summary>The original program was <c>zkinitree</c>, hence its environment prefix.</summary>
    public const string EnvironmentPrefix = "ZKINITREE";

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("servers", null, OptionKind.StringList, null, "list of zk servers (host:port,host:port)", "Main options"),
        new("connect-timeout", null, OptionKind.Int, "30", "seconds to wait for the first ZooKeeper connection", "Main options"),
        .. CommonOptions.Specs,
    ];

    /// <summary>Parses, reads the config files and builds the plan; null when help was asked for.</summary>
    /// <exception cref="UsageException">The first problem.</exception>
    public static InitTreeOptions? Parse(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, out HelpRequest help)
    {
        var values = OptionParser.Parse(Specs, EnvironmentPrefix, args, environment);
        help = values.Help;
        if (help != HelpRequest.None)
        {
            return null;
        }

        var servers = values.List("servers").Select(s => s.Trim()).ToList();
        if (servers.Count == 0 || servers.Any(s => s.Length == 0))
        {
            throw new UsageException("No servers given! (--servers, or servers= in [MAIN] of a config file)");
        }

        var configFiles = CommonOptions.ConfigFilesOf(values);
        if (configFiles.Count == 0)
        {
            throw new UsageException("No config file given! (--configfiles FILE with [root], users and /znode sections)");
        }

        var connectTimeout = values.Int("connect-timeout");
        if (connectTimeout < 1)
        {
            throw new UsageException($"{values.Origin("connect-timeout")}: {connectTimeout} is less than 1");
        }

        return new InitTreeOptions(
            servers,
            configFiles,
            CommonOptions.LogLevelOf(values),
            TimeSpan.FromSeconds(connectTimeout),
            InitTreeConfig.Parse(values.Config));
    }
}
