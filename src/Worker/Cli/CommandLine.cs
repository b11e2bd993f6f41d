using ZkSync.Worker.Local;

namespace ZkSync.Worker.Cli;

/// <summary>Entry point of option handling: <c>zkrsync [options]</c>, <c>zkrsync initree [options]</c> or <c>zkrsync local SRC DST [options]</c>.</summary>
public static class CommandLine
{
    /// <summary>The zkinitree subcommand.</summary>
    public const string InitTreeCommand = "initree";

    /// <summary>The one-machine parallel sync.</summary>
    public const string LocalCommand = "local";

    /// <summary>Turns arguments and environment into a command; never throws for user errors.</summary>
    public static CliCommand Parse(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        Func<string, uint?>? resolveUser = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            if (args.Count > 0 && args[0] == InitTreeCommand)
            {
                var rest = args.Skip(1).ToList();
                var initTree = InitTreeOptionsParser.Parse(rest, environment, out var initHelp);
                return initTree is null ? new ShowHelpCommand(HelpWriter.InitTree(initHelp)) : new RunInitTreeCommand(initTree);
            }

            if (args.Count > 0 && args[0] == LocalCommand)
            {
                var local = LocalOptionsParser.Parse(args.Skip(1).ToList(), environment, out var localHelp);
                return local is null ? new ShowHelpCommand(HelpWriter.Local(localHelp)) : new RunLocalCommand(local);
            }

            var options = ZkRsyncOptionsParser.Parse(args, environment, out var help, resolveUser);
            return options is null ? new ShowHelpCommand(HelpWriter.ZkRsync(help)) : new RunZkRsyncCommand(options);
        }
        catch (UsageException e)
        {
            return new UsageErrorCommand(e.Message);
        }
    }

    /// <summary>The process environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> CurrentEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v)
            {
                result[k] = v;
            }
        }

        return result;
    }
}
