using System.Globalization;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Local;

/// <summary>Options of <c>zkrsync local SRC DST</c>: the session's shape, plus the worker's rsync and path options passed through.</summary>
public static class LocalOptionsParser
{
    public const string EnvironmentPrefix = "ZKRSYNC";
    private const string Main = "Local session options";
    private const string Rsync = "rsync options (passed to every source)";

    /// <summary>Most sources or destinations one machine may start.</summary>
    public const int MaxWorkers = 64;

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("sources", null, OptionKind.Int, null, "transferring source processes (default: 2 per CPU, at most 8); a master comes on top", Main),
        new("destinations", null, OptionKind.Int, null, "destination processes (rsync daemons on 127.0.0.1; default: as many as sources)", Main),
        new("depth", null, OptionKind.Int, "3", "queue depth: directories this deep are synced recursively, one queue entry each", Main),
        new("servers", null, OptionKind.String, null, "use this ZooKeeper (host:port,...) instead of starting a private one", Main),
        new("user", 'u', OptionKind.String, "root", "ZooKeeper digest user (with --servers)", Main),
        new("passwd", 'p', OptionKind.String, "admin", "ZooKeeper digest password (with --servers; prefer ZKRSYNC_PASSWD)", Main),
        new("session", 'N', OptionKind.String, null, "session name (default: local-<pid>)", Main),
        new("tmpdir", null, OptionKind.String, "/tmp", "where the run's private directory (ZooKeeper data, logs, lists) goes; removed at the end", Main),
        new("json-summary", null, OptionKind.String, null, "write the final summary as JSON to this file", Main),
        new("force", null, OptionKind.Flag, null, "skip the free space and inode check", Main),
        new("delete", null, OptionKind.Flag, null, "run rsync with --delete", Rsync),
        new("checksum", null, OptionKind.Flag, null, "run rsync with --checksum", Rsync),
        new("hardlinks", null, OptionKind.Flag, null, "run rsync with --hard-links", Rsync),
        new("inplace", null, OptionKind.Flag, null, "run rsync with --inplace", Rsync),
        new("dryrun", 'n', OptionKind.Flag, null, "run rsync in dry run mode", Rsync),
        new("timeout", null, OptionKind.Int, null, "run rsync with --timeout TIMEOUT", Rsync),
        new("verbose", null, OptionKind.Flag, null, "run rsync with --verbose", Rsync),
        new("files-from", null, OptionKind.Flag, null, "run rsync with the original's --files-from list (about 3x the metadata calls; default: the entries as rsync's source arguments)", Rsync),
        new("excludere", null, OptionKind.String, null, "exclude matching directories from the walk (default /\\.snapshots(/.*|$))", Rsync),
        new("excl_usr", null, OptionKind.String, null, "only exclude paths owned by this user (default root)", Rsync),
        new("arbitopts", null, OptionKind.StringList, null, "more rsync long options, comma separated, key:value", Rsync),
        new("batch", null, OptionKind.Int, null, "at most this many paths of one kind per rsync run (default 64)", Rsync),
        .. CommonOptions.Specs,
    ];

    /// <summary>Parses; null when help was asked for.</summary>
    /// <exception cref="UsageException">The first problem, in one line.</exception>
    public static LocalOptions? Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, out HelpRequest help)
    {
        ArgumentNullException.ThrowIfNull(args);
        var (positional, optionArgs) = SplitPositional(args);
        var values = OptionParser.Parse(Specs, EnvironmentPrefix, optionArgs, environment);
        help = values.Help;
        if (help != HelpRequest.None)
        {
            return null;
        }

        if (positional.Count != 2)
        {
            throw new UsageException(positional.Count < 2
                ? "zkrsync local needs a source and a destination directory: zkrsync local SRC DST"
                : $"zkrsync local takes exactly two directories, got {positional.Count}: {string.Join(' ', positional)}");
        }

        var defaultSources = Math.Clamp(2 * Environment.ProcessorCount, 2, 8);
        var sources = Bounded(values, "sources", values.IntOrNull("sources") ?? defaultSources);
        var destinations = Bounded(values, "destinations", values.IntOrNull("destinations") ?? sources);
        var depth = values.Int("depth");
        if (depth < 1)
        {
            throw new UsageException($"{values.Origin("depth")}: the depth must be at least 1, not {depth}");
        }

        var passthrough = new List<string>();
        foreach (var flag in new[] { "delete", "checksum", "hardlinks", "inplace", "dryrun", "verbose", "files-from" })
        {
            if (values.Flag(flag))
            {
                passthrough.Add("--" + flag);
            }
        }

        foreach (var text in new[] { "excludere", "excl_usr" })
        {
            if (values.IsSet(text) && values.String(text) is { } value)
            {
                passthrough.Add("--" + text);
                passthrough.Add(value);
            }
        }

        foreach (var number in new[] { "timeout", "batch" })
        {
            if (values.IntOrNull(number) is { } value)
            {
                passthrough.Add("--" + number);
                passthrough.Add(value.ToString(CultureInfo.InvariantCulture));
            }
        }

        // Source and destination are on this machine: like rsync's own local copies, send whole files
        // (the delta algorithm only costs CPU here). The user's --arbitopts come after it and win.
        passthrough.Add("--arbitopts");
        passthrough.Add(string.Join(',', new[] { "whole-file" }.Concat(values.List("arbitopts"))));

        return new LocalOptions
        {
            Source = positional[0],
            Destination = positional[1],
            Sources = sources,
            Destinations = destinations,
            Depth = depth,
            Servers = values.String("servers") is { Length: > 0 } servers ? servers : null,
            User = values.String("user") ?? "root",
            Passwd = values.String("passwd") ?? "admin",
            Session = SessionOf(values),
            TmpDir = values.String("tmpdir") ?? "/tmp",
            JsonSummary = values.String("json-summary") is { Length: > 0 } summary ? summary : null,
            Force = values.Flag("force"),
            LogLevel = CommonOptions.LogLevelOf(values),
            WorkerArguments = passthrough,
        };
    }

    private static string SessionOf(OptionValues values)
    {
        if (values.String("session") is not { Length: > 0 } session)
        {
            return string.Create(CultureInfo.InvariantCulture, $"local-{Environment.ProcessId}");
        }

        return ZnodeLayout.IsValidSessionName(session)
            ? session
            : throw new UsageException($"{values.Origin("session")}: invalid session name '{session}': {ZnodeLayout.SessionNameRule}");
    }

    private static int Bounded(OptionValues values, string name, int value) =>
        value is >= 1 and <= MaxWorkers
            ? value
            : throw new UsageException($"{values.Origin(name)}: --{name} must be between 1 and {MaxWorkers}, not {value}");

    /// <summary>Separates SRC and DST from the options (an option that takes a value keeps its next argument).</summary>
    private static (List<string> Positional, List<string> Options) SplitPositional(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var options = new List<string>();
        var valued = Specs.Where(s => s.Kind != OptionKind.Flag).ToList();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positional.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                options.Add(arg);
                var takesValue = arg.StartsWith("--", StringComparison.Ordinal)
                    ? !arg.Contains('=', StringComparison.Ordinal) && valued.Any(s => s.Name == arg[2..])
                    : arg.Length == 2 && valued.Any(s => s.Short == arg[1]);
                if (takesValue && i + 1 < args.Count)
                {
                    options.Add(args[++i]);
                }

                continue;
            }

            positional.Add(arg);
        }

        return (positional, options);
    }
}
