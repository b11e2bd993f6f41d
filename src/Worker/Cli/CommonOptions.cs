using Microsoft.Extensions.Logging;

namespace ZkSync.Worker.Cli;

/// <summary>The options generaloption adds to every program: logging levels and config files.</summary>
public static class CommonOptions
{
    public const string Logging = "Debug and logging options";
    public const string Config = "Configfile options";

    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("debug", 'd', OptionKind.Flag, null, "Enable debug log mode", Logging),
        new("info", null, OptionKind.Flag, null, "Enable info log mode (the default here; the original's default is warnings)", Logging),
        new("quiet", null, OptionKind.Flag, null, "Enable quiet/warning log mode", Logging),
        new(OptionParser.ConfigFilesOption, null, OptionKind.StringListAdd, null,
            "Parse (additional) configfiles: INI files whose [MAIN] keys are long option names", Config),
        new(OptionParser.IgnoreConfigFilesOption, null, OptionKind.StringListAdd, null, "Ignore configfiles", Config),
    ];

    /// <summary><c>-d</c> wins over <c>--info</c>, which wins over <c>--quiet</c>.</summary>
    public static LogLevel LogLevelOf(OptionValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Flag("debug"))
        {
            return LogLevel.Debug;
        }

        if (values.Flag("info"))
        {
            return LogLevel.Information;
        }

        return values.Flag("quiet") ? LogLevel.Warning : LogLevel.Information;
    }

    /// <summary>Config files actually named (command line and environment, minus ignored ones).</summary>
    public static IReadOnlyList<string> ConfigFilesOf(OptionValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ignored = values.List(OptionParser.IgnoreConfigFilesOption);
        return values.List(OptionParser.ConfigFilesOption).Where(f => !ignored.Contains(f)).ToList();
    }
}
