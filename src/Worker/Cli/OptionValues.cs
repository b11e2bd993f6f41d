using System.Globalization;

namespace ZkSync.Worker.Cli;

/// <summary>Resolved option values (default &lt; config file &lt; environment &lt; command line).</summary>
public sealed class OptionValues
{
    private readonly Dictionary<string, object?> _values;
    private readonly Dictionary<string, string> _origins;

    internal OptionValues(Dictionary<string, object?> values, Dictionary<string, string> origins, IniDocument config, HelpRequest help)
    {
        _values = values;
        _origins = origins;
        Config = config;
        Help = help;
    }

    /// <summary>All config files merged (options came from <c>[MAIN]</c>; other sections are for the caller).</summary>
    public IniDocument Config { get; }

    /// <summary>Help asked for on the command line; when not <see cref="HelpRequest.None"/>, values are defaults.</summary>
    public HelpRequest Help { get; }

    /// <summary>Where a value came from, for error messages: <c>option --x</c>, <c>environment X</c>, <c>config ...</c>, <c>default</c>.</summary>
    public string Origin(string name) => _origins.TryGetValue(name, out var o) ? o : "default";

    /// <summary>True when the value is not the default.</summary>
    public bool IsSet(string name) => _origins.ContainsKey(name);

    public bool Flag(string name) => (bool)(_values[name] ?? false);

    public string? String(string name) => (string?)_values[name];

    public int Int(string name) => IntOrNull(name) ?? throw new UsageException($"{Origin(name)}: a value is required");

    public int? IntOrNull(string name) => _values[name] switch
    {
        null => null,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        long l => throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{Origin(name)}: {l} is out of range")),
        var other => throw new InvalidOperationException($"option {name} is not an integer: {other}"),
    };

    public long Long(string name) => (long?)_values[name] ?? throw new UsageException($"{Origin(name)}: a value is required");

    public IReadOnlyList<string> List(string name) => (IReadOnlyList<string>?)_values[name] ?? [];
}
