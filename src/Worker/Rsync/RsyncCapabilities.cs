using System.Text.RegularExpressions;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// Long options the installed rsync accepts, read from <c>rsync --help</c>. The original passes
/// <c>--drop-cache</c> (from a patched rsync) whenever <c>--dropcache</c> is given; stock rsync 3.2–3.4
/// rejects it, so we pass it only when the binary lists it.
/// </summary>
public sealed partial class RsyncCapabilities
{
    private readonly HashSet<string> _longOptions;

    private RsyncCapabilities(HashSet<string> longOptions) => _longOptions = longOptions;

    /// <summary>Nothing known: optional options are left out.</summary>
    public static RsyncCapabilities None { get; } = new([]);

    /// <summary>Whether <c>--drop-cache</c> can be passed.</summary>
    public bool SupportsDropCache => Supports("drop-cache");

    /// <summary>Whether <c>--NAME</c> appears in the help text.</summary>
    public bool Supports(string longOption) => _longOptions.Contains(longOption.TrimStart('-'));

    /// <summary>Collects every <c>--name</c> at the start of a help line (after an optional short form).</summary>
    public static RsyncCapabilities ParseHelp(string helpText)
    {
        ArgumentNullException.ThrowIfNull(helpText);
        var options = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in HelpOption().Matches(helpText))
        {
            options.Add(m.Groups[1].Value);
        }

        return new RsyncCapabilities(options);
    }

    [GeneratedRegex(@"^\s*(?:-\w,?\s+)?--([a-z0-9][a-z0-9-]*)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex HelpOption();
}
