using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ZkSync.Contracts;

namespace ZkSync.Worker.IntegrationTests.Wire.Support;

/// <summary>
/// Turns a dump of one session into comparable lines <c>"E|P &lt;path below S&gt; = &lt;data&gt;"</c>: uuid4 hex
/// in names becomes <c>&lt;uuid&gt;</c>, 10-digit sequence suffixes <c>&lt;seq&gt;</c>, 32-hex data <c>&lt;id&gt;</c>,
/// each worker's <c>host:pid</c> its label, ports their offset from the session's start port, and the
/// source base path <c>&lt;base&gt;</c>, and our <c>S/progress</c> document <c>&lt;progress&gt;</c> when it parses as
/// one (its counts and times vary). What is left is exactly what docs/PROTOCOL.md fixes.
/// </summary>
public sealed partial class WireNormalizer(string sessionPath, string basePath, int startPort, IReadOnlyDictionary<int, string> labelsByPid)
{
    public IReadOnlyList<string> Lines(IEnumerable<ZnodeDump> nodes) =>
        [.. nodes.Where(n => n.Path == sessionPath || n.Path.StartsWith(sessionPath + "/", StringComparison.Ordinal))
            .Select(Line)
            .Order(StringComparer.Ordinal)];

    public string Line(ZnodeDump node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var path = Normalize(node.Path[sessionPath.Length..]);
        path = UuidName().Replace(path, "<uuid>__");
        path = SequenceSuffix().Replace(path, "<seq>");
        var data = path == "/" + ZnodeLayout.ProgressNode
            ? SessionProgress.FromJson(node.Data) is null ? "<not a SessionProgress>" : "<progress>"
            : Normalize(Encoding.UTF8.GetString(node.Data));
        data = HexId().Replace(data, "<id>");
        return $"{(node.Ephemeral ? 'E' : 'P')} {path} = {data}";
    }

    private string Normalize(string text)
    {
        text = text.Replace(basePath, "<base>", StringComparison.Ordinal);
        text = WhoAmI().Replace(text, m =>
            labelsByPid.TryGetValue(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), out var label) ? label : m.Value);
        return Port().Replace(text, m =>
        {
            var port = int.Parse(m.Value, CultureInfo.InvariantCulture);
            return port >= startPort && port < startPort + 16
                ? string.Create(CultureInfo.InvariantCulture, $"<port+{port - startPort}>")
                : m.Value;
        });
    }

    [GeneratedRegex("[0-9a-f]{32}__", RegexOptions.CultureInvariant)]
    private static partial Regex UuidName();

    [GeneratedRegex(@"(?<=(__lock__|entry-\d{3}-))\d{10}$", RegexOptions.CultureInvariant)]
    private static partial Regex SequenceSuffix();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexId();

    /// <summary><c>host:pid</c> standing alone, after a <c>port:</c>, or as a path segment.</summary>
    [GeneratedRegex(@"(?<=^|[:/])([A-Za-z0-9.\-]+):(\d+)(?=$|/)", RegexOptions.CultureInvariant)]
    private static partial Regex WhoAmI();

    [GeneratedRegex(@"(?<![\d<])\d{4,5}(?![\d>])", RegexOptions.CultureInvariant)]
    private static partial Regex Port();
}
