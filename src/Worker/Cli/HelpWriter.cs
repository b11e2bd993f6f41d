using System.Text;
using ZkSync.Contracts;
using ZkSync.Worker.Local;

namespace ZkSync.Worker.Cli;

/// <summary>Help texts: every option with short form, value, default and environment variable, and the exit codes.</summary>
public static class HelpWriter
{
    /// <summary>Help for <c>zkrsync</c>.</summary>
    public static string ZkRsync(HelpRequest request) => Write(
        "Usage: zkrsync [options]\n       zkrsync initree --servers HOSTS --configfiles FILE [options]\n       zkrsync local SRC DST [options]   (see zkrsync local --help)\n\n" +
        "Distributed rsync coordinated through ZooKeeper (a port of vsc-zk's zkrsync). Start one or more\n" +
        "destinations (-D) and sources (-S) with the same --session; the first source becomes the master,\n" +
        "walks --rsyncpath to --depth and queues one entry per directory; the other sources push them to\n" +
        "the destinations' rsync daemons.",
        ZkRsyncOptionsParser.Specs,
        ZkRsyncOptionsParser.EnvironmentPrefix,
        request);

    /// <summary>Help for <c>zkrsync initree</c>.</summary>
    public static string InitTree(HelpRequest request) => Write(
        "Usage: zkrsync initree --servers HOSTS --configfiles FILE [options]\n\n" +
        "Builds a ZooKeeper tree with digest ACLs from a config file (the original zkinitree):\n" +
        "  [root]  passwd=...            the root user, who gets all permissions everywhere\n" +
        "  [USER]  passwd=...            one section per user\n" +
        "  [/znode/path]  PERMS=USER,... PERMS is letters of rwcda (read write create delete admin) or all\n" +
        "Existing nodes get their ACLs reset.",
        InitTreeOptionsParser.Specs,
        InitTreeOptionsParser.EnvironmentPrefix,
        request);

    /// <summary>Help for <c>zkrsync local</c>.</summary>
    public static string Local(HelpRequest request) => Write(
        "Usage: zkrsync local SRC DST [options]\n\n" +
        "Copies SRC into DST with many rsync streams in parallel on this machine: starts a private ZooKeeper\n" +
        "(Debian's zookeeper package; or uses --servers), a master, --sources sources and --destinations\n" +
        "destinations (rsync daemons on 127.0.0.1 with a one-time password), shows progress, and ends with a\n" +
        "summary. Everything it starts is stopped and its files removed at the end, also on Ctrl-C. The first\n" +
        "Ctrl-C stops the session in order (unfinished paths are listed); a second one kills it.",
        LocalOptionsParser.Specs,
        LocalOptionsParser.EnvironmentPrefix,
        request);

    private static string Write(string intro, IReadOnlyList<OptionSpec> specs, string prefix, HelpRequest request)
    {
        var sb = new StringBuilder();
        sb.Append(intro).Append("\n\n");
        sb.Append("Help options:\n");
        Line(sb, "-h, --shorthelp", "show short help message (options with a short form) and exit");
        Line(sb, "-H, --help", "show full help message and exit");
        foreach (var group in specs.GroupBy(s => s.Group))
        {
            var shown = group.Where(s => request == HelpRequest.Full || s.Short is not null).ToList();
            if (shown.Count == 0)
            {
                continue;
            }

            sb.Append('\n').Append(group.Key).Append(":\n");
            foreach (var spec in shown)
            {
                var names = (spec.Short is { } c ? $"-{c}, " : string.Empty) + "--" + spec.Name +
                            (spec.Kind == OptionKind.Flag ? string.Empty : " " + spec.Metavar);
                var help = spec.Help + DefaultText(spec);
                Line(sb, names, help);
            }
        }

        sb.Append('\n');
        sb.Append("Every long option can also be set as an environment variable ").Append(prefix)
            .Append("_<LONG_NAME> (upper case, '-' as '_'),\n")
            .Append("e.g. --passwd as ").Append(prefix).Append("_PASSWD, or as a key in the [MAIN] section of a --configfiles file.\n")
            .Append("Flags take true/false there (environment: 0/no/false is false); --enable-X/--disable-X set them on the\n")
            .Append("command line. Precedence: defaults < config files (later wins) < environment < command line.\n\n");
        sb.Append("Exit codes:\n");
        foreach (var (code, meaning) in ExitCodes.Descriptions)
        {
            sb.Append("  ").Append(code.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(3)).Append("  ").Append(meaning).Append('\n');
        }

        return sb.ToString();
    }

    private static string DefaultText(OptionSpec spec) => spec.Kind switch
    {
        OptionKind.Flag => spec.Default == "true" ? " (default: on)" : " (default: off)",
        _ when spec.Default is null => string.Empty,
        _ => $" (default: {spec.Default})",
    };

    private static void Line(StringBuilder sb, string names, string help)
    {
        const int Column = 30;
        sb.Append("  ").Append(names);
        if (names.Length + 2 >= Column)
        {
            sb.Append('\n').Append(' ', Column);
        }
        else
        {
            sb.Append(' ', Column - names.Length - 2);
        }

        sb.Append(help).Append('\n');
    }
}
