using System.Text;

namespace ZkSync.Worker.Cli;

/// <summary>
/// The subset of Python's <c>configparser.ConfigParser</c> that generaloption config files use: sections,
/// case-sensitive <c>key = value</c> / <c>key: value</c> lines, full-line <c>#</c>/<c>;</c> comments,
/// indented continuation lines, a <c>[DEFAULT]</c> section inherited by every section, and basic
/// interpolation (<c>%(key)s</c>, <c>%%</c>) except in sections named <c>raw_*</c>. Several files merge
/// in order (later wins), like <c>ConfigParser.read(files)</c>.
/// </summary>
public sealed class IniDocument
{
    /// <summary>The section whose keys every other section inherits.</summary>
    public const string DefaultSection = "DEFAULT";

    private const int MaxInterpolationDepth = 10;
    private readonly List<string> _sectionOrder = [];
    private readonly Dictionary<string, List<KeyValuePair<string, string>>> _sections = new(StringComparer.Ordinal);

    /// <summary>Section names in first-seen order, without <c>DEFAULT</c>.</summary>
    public IReadOnlyList<string> Sections => _sectionOrder;

    /// <summary>Parses one file's text into this document (merging into sections already read).</summary>
    /// <exception cref="UsageException">A syntax error, with file name and line number.</exception>
    public void Read(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seenSections = new HashSet<string>(StringComparer.Ordinal);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        List<KeyValuePair<string, string>>? current = null;
        string? currentName = null;
        var lastKeyIndent = -1;
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var raw = lines[n];
            var trimmed = raw.Trim();
            var indent = raw.Length - raw.TrimStart().Length;
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (current is not null && lastKeyIndent >= 0 && indent > lastKeyIndent)
            {
                // Continuation of the previous value.
                var last = current[^1];
                current[^1] = new KeyValuePair<string, string>(last.Key, last.Value + "\n" + trimmed);
                continue;
            }

            if (trimmed[0] == '[' && trimmed[^1] == ']')
            {
                currentName = trimmed[1..^1];
                if (!seenSections.Add(currentName))
                {
                    throw new UsageException($"{fileName}:{n + 1}: section [{currentName}] appears twice");
                }

                current = GetOrAddSection(currentName);
                seenKeys.Clear();
                lastKeyIndent = -1;
                continue;
            }

            if (current is null)
            {
                throw new UsageException($"{fileName}:{n + 1}: key outside any [section]: {trimmed}: put it under a section header such as [MAIN]");
            }

            var sep = trimmed.IndexOfAny(['=', ':']);
            if (sep <= 0)
            {
                throw new UsageException($"{fileName}:{n + 1}: expected 'key = value' in [{currentName}]: {trimmed}: write it as 'key = value' (or start it with '#' to comment it out)");
            }

            var key = trimmed[..sep].Trim();
            var value = trimmed[(sep + 1)..].Trim();
            if (!seenKeys.Add(key))
            {
                throw new UsageException($"{fileName}:{n + 1}: key '{key}' appears twice in [{currentName}]");
            }

            var existing = current.FindIndex(kv => kv.Key == key);
            if (existing >= 0)
            {
                current.RemoveAt(existing);
            }

            current.Add(new KeyValuePair<string, string>(key, value));
            lastKeyIndent = indent;
        }
    }

    /// <summary>Reads and merges files in order; a missing file is an error (the original skips it silently).</summary>
    public static IniDocument Load(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var doc = new IniDocument();
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file, Encoding.UTF8);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new UsageException($"cannot read config file {file}: it does not exist: check the --configfiles path (or ZKRSYNC_CONFIGFILES)", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read config file {file}: {e.Message}: check the --configfiles path and that this user may read it", e);
            }

            doc.Read(text, file);
        }

        return doc;
    }

    /// <summary>Whether the section exists (never true for DEFAULT).</summary>
    public bool HasSection(string section) => section != DefaultSection && _sections.ContainsKey(section);

    /// <summary>
    /// The section's keys and interpolated values, own keys first (file order), then inherited DEFAULT keys.
    /// </summary>
    /// <exception cref="UsageException">Broken interpolation.</exception>
    public IReadOnlyList<KeyValuePair<string, string>> Items(string section)
    {
        var own = _sections.TryGetValue(section, out var list) ? list : [];
        var defaults = section != DefaultSection && _sections.TryGetValue(DefaultSection, out var d) ? d : [];
        var merged = new List<KeyValuePair<string, string>>(own);
        merged.AddRange(defaults.Where(kv => own.All(o => o.Key != kv.Key)));
        if (section.StartsWith("raw_", StringComparison.Ordinal))
        {
            return merged;
        }

        var lookup = merged.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return merged.Select(kv => new KeyValuePair<string, string>(kv.Key, Interpolate(section, kv.Key, kv.Value, lookup, 0))).ToList();
    }

    private List<KeyValuePair<string, string>> GetOrAddSection(string name)
    {
        if (!_sections.TryGetValue(name, out var list))
        {
            list = [];
            _sections[name] = list;
            if (name != DefaultSection)
            {
                _sectionOrder.Add(name);
            }
        }

        return list;
    }

    private static string Interpolate(string section, string key, string value, Dictionary<string, string> lookup, int depth)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        if (depth > MaxInterpolationDepth)
        {
            throw new UsageException($"config [{section}] {key}: interpolation too deep");
        }

        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                sb.Append(value[i]);
                continue;
            }

            if (i + 1 < value.Length && value[i + 1] == '%')
            {
                sb.Append('%');
                i++;
                continue;
            }

            var close = value.IndexOf(")s", i, StringComparison.Ordinal);
            if (i + 1 < value.Length && value[i + 1] == '(' && close > i)
            {
                var name = value[(i + 2)..close];
                if (!lookup.TryGetValue(name, out var referenced))
                {
                    throw new UsageException(
                        $"config [{section}] {key}: '%({name})s' refers to no key (write '%%' for a literal '%')");
                }

                sb.Append(Interpolate(section, name, referenced, lookup, depth + 1));
                i = close + 1;
                continue;
            }

            throw new UsageException($"config [{section}] {key}: a lone '%' must be written '%%'");
        }

        return sb.ToString();
    }
}
