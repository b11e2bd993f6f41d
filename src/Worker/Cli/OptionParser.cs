using System.Globalization;

namespace ZkSync.Worker.Cli;

/// <summary>
/// A small parser with vsc-base generaloption's conventions: long options <c>--name value</c> /
/// <c>--name=value</c> (unambiguous prefixes accepted, like optparse), short options <c>-x value</c> /
/// <c>-xvalue</c> / grouped flags <c>-Sn</c>, <c>--enable-X</c>/<c>--disable-X</c> for every flag, comma
/// lists, <c>&lt;PREFIX&gt;_&lt;LONG_NAME&gt;</c> environment variables and <c>[MAIN]</c> in <c>--configfiles</c>.
/// Precedence, as generaloption: default &lt; config files (later file wins) &lt; environment &lt; command line.
/// </summary>
public static class OptionParser
{
    /// <summary>The config file section holding option values.</summary>
    public const string MainSection = "MAIN";

    public const string ConfigFilesOption = "configfiles";
    public const string IgnoreConfigFilesOption = "ignoreconfigfiles";

    private static readonly string[] TrueWords = ["1", "yes", "true", "on"];
    private static readonly string[] FalseWords = ["0", "no", "false", "off"];

    /// <summary>Parses <paramref name="args"/> with <paramref name="specs"/>.</summary>
    /// <param name="specs">Every option, including <see cref="ConfigFilesOption"/> when config files are supported.</param>
    /// <param name="environmentPrefix">E.g. <c>ZKRSYNC</c>.</param>
    /// <param name="args">Command line without the program (and subcommand) name.</param>
    /// <param name="environment">Environment variables.</param>
    /// <exception cref="UsageException">Anything wrong, in one line.</exception>
    public static OptionValues Parse(
        IReadOnlyList<OptionSpec> specs,
        string environmentPrefix,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var values = specs.ToDictionary(s => s.Name, DefaultValue, StringComparer.Ordinal);
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);

        var help = FindHelp(args);
        if (help != HelpRequest.None)
        {
            return new OptionValues(values, origins, new IniDocument(), help);
        }

        var commandLine = ParseCommandLine(specs, byName, args);
        var fromEnvironment = ParseEnvironment(specs, environmentPrefix, environment);

        // Config files named on the command line and in the environment (both add, environment first).
        var configFiles = new List<string>();
        if (byName.ContainsKey(ConfigFilesOption))
        {
            configFiles.AddRange(fromEnvironment.Where(a => a.Spec.Name == ConfigFilesOption).SelectMany(a => SplitList(a.Text)));
            configFiles.AddRange(commandLine.Where(a => a.Spec.Name == ConfigFilesOption).SelectMany(a => SplitList(a.Text)));
            var ignored = fromEnvironment.Concat(commandLine)
                .Where(a => a.Spec.Name == IgnoreConfigFilesOption)
                .SelectMany(a => SplitList(a.Text))
                .ToHashSet(StringComparer.Ordinal);
            configFiles.RemoveAll(ignored.Contains);
        }

        var config = IniDocument.Load(configFiles);
        var fromConfig = ParseConfig(byName, config);

        foreach (var assignment in fromConfig.Concat(fromEnvironment).Concat(commandLine))
        {
            var spec = assignment.Spec;
            var value = Convert(spec, assignment);
            if (spec.Kind == OptionKind.StringListAdd && values[spec.Name] is IReadOnlyList<string> previous && origins.ContainsKey(spec.Name))
            {
                value = previous.Concat((IReadOnlyList<string>)value!).ToList();
            }

            values[spec.Name] = value;
            origins[spec.Name] = assignment.Origin;
        }

        return new OptionValues(values, origins, config, HelpRequest.None);
    }

    private static HelpRequest FindHelp(IReadOnlyList<string> args)
    {
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                break;
            }

            if (arg is "-H" or "--help")
            {
                return HelpRequest.Full;
            }

            if (arg is "-h" or "--shorthelp")
            {
                return HelpRequest.Short;
            }
        }

        return HelpRequest.None;
    }

    private static object? DefaultValue(OptionSpec spec) => spec.Kind switch
    {
        OptionKind.Flag => spec.Default == "true",
        OptionKind.Int or OptionKind.Long => spec.Default is null ? null : long.Parse(spec.Default, CultureInfo.InvariantCulture),
        OptionKind.StringList or OptionKind.StringListAdd => spec.Default is null ? (IReadOnlyList<string>)[] : SplitList(spec.Default),
        _ => spec.Default,
    };

    private static List<Assignment> ParseCommandLine(
        IReadOnlyList<OptionSpec> specs, Dictionary<string, OptionSpec> byName, IReadOnlyList<string> args)
    {
        var result = new List<Assignment>();
        var shortNames = specs.Where(s => s.Short is not null).ToDictionary(s => s.Short!.Value);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                if (i + 1 < args.Count)
                {
                    throw new UsageException($"unexpected argument '{args[i + 1]}'");
                }

                break;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var typed = eq < 0 ? arg[2..] : arg[2..eq];
                var (spec, flagValue) = ResolveLong(specs, byName, typed);
                var origin = $"option --{spec.Name}";
                if (spec.Kind == OptionKind.Flag)
                {
                    if (eq >= 0)
                    {
                        throw new UsageException($"option --{typed} does not take a value");
                    }

                    result.Add(new Assignment(spec, flagValue ? "true" : "false", origin));
                    continue;
                }

                if (flagValue is false)
                {
                    throw new UsageException($"no such option: --{typed}");
                }

                string value;
                if (eq >= 0)
                {
                    value = arg[(eq + 1)..];
                }
                else
                {
                    value = TakeValue(args, ref i, $"--{spec.Name}");
                }

                result.Add(new Assignment(spec, value, origin));
            }
            else if (arg.Length > 1 && arg[0] == '-')
            {
                for (var k = 1; k < arg.Length; k++)
                {
                    if (!shortNames.TryGetValue(arg[k], out var spec))
                    {
                        throw new UsageException($"no such option: -{arg[k]}");
                    }

                    var origin = $"option -{arg[k]}";
                    if (spec.Kind == OptionKind.Flag)
                    {
                        result.Add(new Assignment(spec, "true", origin));
                        continue;
                    }

                    var value = k + 1 < arg.Length ? arg[(k + 1)..] : TakeValue(args, ref i, $"-{arg[k]}");
                    result.Add(new Assignment(spec, value, origin));
                    break;
                }
            }
            else
            {
                throw new UsageException($"unexpected argument '{arg}' (this program takes options only)");
            }
        }

        return result;
    }

    private static string TakeValue(IReadOnlyList<string> args, ref int i, string option)
    {
        if (i + 1 >= args.Count)
        {
            throw new UsageException($"{option} option requires a value");
        }

        var value = args[++i];
        if (value.StartsWith('-') && value.Length > 1)
        {
            throw new UsageException($"{option}: value '{value}' starts with a '-'; write {option}={value} if you mean it");
        }

        return value;
    }

    /// <summary>Exact long name, <c>enable-</c>/<c>disable-</c> flag forms, then unique prefixes of all of them.</summary>
    private static (OptionSpec Spec, bool FlagValue) ResolveLong(
        IReadOnlyList<OptionSpec> specs, Dictionary<string, OptionSpec> byName, string typed)
    {
        // The common case (every option a worker is started with): no candidate list, which cost every worker's start
        // some hundred strings per option.
        if (byName.TryGetValue(typed, out var named))
        {
            return (named, true);
        }

        var candidates = new List<(string Name, OptionSpec Spec, bool Value)>();
        foreach (var spec in specs)
        {
            candidates.Add((spec.Name, spec, true));
            if (spec.Kind == OptionKind.Flag)
            {
                candidates.Add(("enable-" + spec.Name, spec, true));
                candidates.Add(("disable-" + spec.Name, spec, false));
            }
        }

        var exact = candidates.Where(c => c.Name == typed).ToList();
        if (exact.Count > 0)
        {
            return (exact[0].Spec, exact[0].Value);
        }

        var prefixed = candidates.Where(c => typed.Length > 0 && c.Name.StartsWith(typed, StringComparison.Ordinal)).ToList();
        return prefixed.Count switch
        {
            1 => (prefixed[0].Spec, prefixed[0].Value),
            0 => throw new UsageException($"no such option: --{typed}"),
            _ => throw new UsageException(
                $"ambiguous option: --{typed} ({string.Join(", ", prefixed.Select(p => "--" + p.Name))}?)"),
        };
    }

    private static List<Assignment> ParseEnvironment(
        IReadOnlyList<OptionSpec> specs, string prefix, IReadOnlyDictionary<string, string> environment)
    {
        var result = new List<Assignment>();
        foreach (var spec in specs)
        {
            var variable = spec.EnvironmentVariable(prefix);
            if (!environment.TryGetValue(variable, out var value))
            {
                continue;
            }

            var origin = $"environment {variable}";
            if (spec.Kind == OptionKind.Flag)
            {
                // generaloption: 0/no/false means "not set"; anything else sets the flag.
                var off = FalseWords.Contains(value.Trim().ToLowerInvariant());
                result.Add(new Assignment(spec, off ? "false" : "true", origin));
            }
            else
            {
                result.Add(new Assignment(spec, value, origin));
            }
        }

        return result;
    }

    private static List<Assignment> ParseConfig(Dictionary<string, OptionSpec> byName, IniDocument config)
    {
        var result = new List<Assignment>();
        if (!config.HasSection(MainSection))
        {
            return result;
        }

        foreach (var (key, value) in config.Items(MainSection))
        {
            if (!byName.TryGetValue(key, out var spec) || spec.Name is ConfigFilesOption or IgnoreConfigFilesOption)
            {
                throw new UsageException($"config file [{MainSection}]: no option corresponding with '{key}': [{MainSection}] keys are long option names (see zkrsync -H), without the leading --");
            }

            result.Add(new Assignment(spec, value, $"config file [{MainSection}] {key}"));
        }

        return result;
    }

    private static object? Convert(OptionSpec spec, Assignment a)
    {
        switch (spec.Kind)
        {
            case OptionKind.Flag:
                var word = a.Text.Trim().ToLowerInvariant();
                if (TrueWords.Contains(word))
                {
                    return true;
                }

                if (FalseWords.Contains(word))
                {
                    return false;
                }

                throw new UsageException($"{a.Origin}: not a boolean: '{a.Text}' (use true/false, yes/no, on/off, 1/0)");
            case OptionKind.Int:
            case OptionKind.Long:
                if (!long.TryParse(a.Text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ||
                    (spec.Kind == OptionKind.Int && number is < int.MinValue or > int.MaxValue))
                {
                    throw new UsageException($"{a.Origin}: invalid integer value: '{a.Text}'");
                }

                return number;
            case OptionKind.StringList:
            case OptionKind.StringListAdd:
                return SplitList(a.Text);
            default:
                return a.Text;
        }
    }

    /// <summary>generaloption's strlist: split at commas (empty input: empty list).</summary>
    public static List<string> SplitList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : [.. text.Split(',')];
    }

    private sealed record Assignment(OptionSpec Spec, string Text, string Origin);
}
