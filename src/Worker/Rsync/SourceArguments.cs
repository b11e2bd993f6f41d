using System.Text;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// A batch named on rsync's command line, the default way a source runs one: each entry is a source argument
/// <c>base/./path</c> under <c>--relative</c> (rsync sends what follows the <c>/./</c>, with its parent directories as
/// implied ones), recursive entries with <c>-r</c>, non-recursive ones as <c>base/./path/</c> with <c>--dirs</c> (the
/// directory's files, and its subdirectories made without reading them: what the original's list does). rsync then
/// reads exactly the entries: neither the siblings it stats before filter rules exclude them, nor the per-component
/// opens a <c>--files-from</c> list costs in rsync 3.4+ (on the medium benchmark tree a recursive batch makes 8% fewer
/// metadata calls on the sending side than by filter rules, a non-recursive one 58% fewer than by a list).
/// A missing entry fails the run (rsync exit 23) and, with <c>--delete</c>, rsync then deletes nothing.
/// No list file; <see cref="EntrySelection.Content"/> is empty.
/// </summary>
public sealed record SourceArguments(IReadOnlyList<string> Paths, bool Recursive)
    : EntrySelection([], false, Recursive)
{
    /// <summary>Source arguments longer than this in all go in a list instead (Linux allows 2 MiB of arguments and
    /// environment; a batch's are far below that unless <c>--batch</c> is huge and the paths deep).</summary>
    public const int MaxTotalLength = 256 * 1024;

    /// <inheritdoc/>
    public override bool UsesListFile => false;

    /// <inheritdoc/>
    public override IReadOnlyList<string> SelectionOptions(string listFile) =>
        Recursive ? ["--relative"] : ["--relative", "--dirs"];

    /// <inheritdoc/>
    public override IReadOnlyList<string> SourcePaths(string basePath) => Paths;

    /// <summary>
    /// The arguments for a batch below <paramref name="basePath"/>, or null when it cannot be named that way: a base that
    /// is not absolute or holds a <c>.</c> component (rsync takes the first <c>/./</c> as the marker), a path that is not
    /// valid UTF-8 (arguments go through .NET strings; a list carries raw bytes), or arguments above
    /// <see cref="MaxTotalLength"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No entries, mixed recursion, or a path outside the base.</exception>
    public static SourceArguments? Create(RawPath basePath, IReadOnlyList<PathEntry> entries)
    {
        var relatives = RelativePaths(basePath, entries);
        var trimmed = basePath.TrimEndSeparators().ToString();
        if (!basePath.IsValidUtf8 || !trimmed.StartsWith('/') || trimmed.Contains("/./", StringComparison.Ordinal) || trimmed.EndsWith("/.", StringComparison.Ordinal))
        {
            return null;
        }

        var recursive = entries[0].Recursive;
        var paths = new List<string>(relatives.Count);
        var total = 0;
        foreach (var relative in relatives)
        {
            if (!System.Text.Unicode.Utf8.IsValid(relative))
            {
                return null;
            }

            // "base/./" for the base itself; a trailing slash on a non-recursive entry makes --dirs send its content.
            var path = Encoding.UTF8.GetString(relative);
            var argument = trimmed + "/./" + path + (path.Length > 0 && !recursive ? "/" : string.Empty);
            total += argument.Length + 1;
            if (total > MaxTotalLength)
            {
                return null;
            }

            paths.Add(argument);
        }

        return new SourceArguments(paths, recursive);
    }
}
