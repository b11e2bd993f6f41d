using System.Globalization;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>One line of <c>/proc/PID/mountinfo</c> (proc(5)): where a filesystem is mounted and how.</summary>
public sealed record MountInfoEntry(int Id, int ParentId, string Root, string MountPoint, string Options, string FileSystemType, string Source)
{
    /// <summary>Whether the mount itself is read-only (its per-mount options hold <c>ro</c>).</summary>
    public bool IsReadOnly => Options.Split(',').Contains("ro", StringComparer.Ordinal);

    /// <summary>Parses a mountinfo table; lines that do not parse are skipped.</summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<MountInfoEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-", 6);
            if (fields.Length < 10 || separator < 0 || separator + 2 >= fields.Length
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                continue;
            }

            entries.Add(new MountInfoEntry(id, parent, Unescape(fields[3]), Unescape(fields[4]), fields[5],
                Unescape(fields[separator + 1]), Unescape(fields[separator + 2])));
        }

        return entries;
    }

    /// <summary>The mounts of the calling process's mount namespace.</summary>
    public static async Task<IReadOnlyList<MountInfoEntry>> ReadOwnAsync(CancellationToken cancellationToken) =>
        Parse(await File.ReadAllTextAsync("/proc/self/mountinfo", cancellationToken).ConfigureAwait(false));

    /// <summary>mountinfo writes space, tab, newline and backslash as three-digit octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var bytes = new List<byte>(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1) && IsOctal(field, i + 2) && IsOctal(field, i + 3))
            {
                bytes.Add((byte)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string text, int index) => index < text.Length && text[index] is >= '0' and <= '7';
}
