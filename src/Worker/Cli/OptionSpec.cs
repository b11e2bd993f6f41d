namespace ZkSync.Worker.Cli;

/// <summary>One option: names as in the original, kind, default (as shown in help) and help text.</summary>
/// <param name="Name">Long name without dashes; also the config-file key, and (upper-cased, '-' → '_') the
/// environment variable suffix.</param>
/// <param name="Short">Short form without dash, or null.</param>
/// <param name="Kind">How the value is read.</param>
/// <param name="Default">Default value as text (null: none); flags default to false unless "true".</param>
/// <param name="Help">One-line help.</param>
/// <param name="Group">Help section.</param>
public sealed record OptionSpec(string Name, char? Short, OptionKind Kind, string? Default, string Help, string Group)
{
    /// <summary>Metavariable shown in help.</summary>
    public string Metavar => Kind switch
    {
        OptionKind.Flag => string.Empty,
        OptionKind.Int or OptionKind.Long => "N",
        OptionKind.StringList or OptionKind.StringListAdd => Name.ToUpperInvariant().Replace('-', '_'),
        _ => Name.ToUpperInvariant().Replace('-', '_'),
    };

    /// <summary>Environment variable for this option under <paramref name="prefix"/>: <c>PREFIX_LONG_NAME</c>.</summary>
    public string EnvironmentVariable(string prefix) => $"{prefix}_{Name.Replace('-', '_').ToUpperInvariant()}";
}
