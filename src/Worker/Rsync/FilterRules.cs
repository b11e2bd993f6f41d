using System.Text;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// rsync filter rules (read with <c>--exclude-from</c>) that pick a batch of recursive entries (<c>1_</c>) out of a
/// recursive transfer of the whole base: how a source runs such a batch that cannot go on rsync's command line
/// (<see cref="SourceArguments"/>; a name that is not UTF-8, say). The original names the entries in
/// a <c>--files-from</c> list instead; that implies <c>--relative</c>, and rsync 3.4+ then opens every component of
/// every file's path (about three times the metadata calls of a plain <c>rsync -a</c>). Here rsync walks from the base
/// as <c>rsync -a</c> does, and the rules keep it on the entries' paths:
/// <list type="bullet">
/// <item><c>+ /A</c> for every directory on the way to an entry and <c>+ /E</c> for every entry: they are in
/// rsync's file list, so each run that creates something in them also sets their attributes afterwards
/// (a directory's mtime ends right whichever run finishes last, as with the original's implied
/// directories);</item>
/// <item><c>- /A/*</c> for those directories: nothing else of them is sent, and with <c>--delete</c> nothing
/// else of them is deleted;</item>
/// <item><c>- /*</c> last, unless the base itself is an entry.</item>
/// </list>
/// Non-recursive entries (<c>0_</c>) go as the original sends them, in a <c>--files-from</c> list (rsync's
/// <c>--dirs</c>): that creates each of an entry's subdirectories without reading it, where rules would have rsync
/// read and stat everything in it (and fail the entry on a subdirectory it may not read); and it creates the
/// subdirectories the walk queues as the original does, so an original source's later run of one (which sends no
/// implied <c>.</c>) does not change the parent's time in a mixed session. Their files are few next to a tree's.
/// Includes come before excludes; rsync uses the first rule that matches. Names are escaped where a
/// pattern uses wildcards.
/// </summary>
public sealed record FilterRules(byte[] Content, bool NulSeparated)
    : EntrySelection(Content, NulSeparated, Recursive: true)
{
    /// <summary>rsync options under which rules that exclude everything outside a batch would do harm.</summary>
    private static readonly string[] UnsafeOptions = ["delete-excluded", "prune-empty-dirs"];

    /// <summary>The option that reads the list from <paramref name="listFile"/>.</summary>
    public static string ListOption(string listFile) => $"--exclude-from={listFile}";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SelectionOptions(string listFile) => [ListOption(listFile)];

    /// <summary>
    /// Why filter rules must not select this batch (null: they may): an entry that is not a directory on
    /// this source any more, or an extra rsync option (<c>--arbitopts</c>) that turns the rules' exclusions
    /// into work. With <c>--delete</c>, a missing entry would have its destination copy deleted (its include
    /// rule leaves it unprotected) and the path reported done; an unmounted source base would do that to
    /// every entry. The original's <c>--files-from</c> list makes rsync report the missing entry (exit 23)
    /// and skip every deletion, so such batches run that way.
    /// </summary>
    public static string? Unsuitable(IReadOnlyList<PathEntry> entries, IReadOnlyList<string>? extraOptions)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var option in extraOptions ?? [])
        {
            var name = option.Split(':', 2)[0].TrimStart('-');
            if (UnsafeOptions.Contains(name, StringComparer.Ordinal))
            {
                return $"--{name} would apply to everything the rules exclude";
            }
        }

        foreach (var entry in entries)
        {
            if (NativeFileSystem.GetInfo(entry.Path).Kind != RawFileKind.Directory)
            {
                return $"{entry.Path} is not a directory on this source";
            }
        }

        return null;
    }

    /// <summary>Builds the rules for a batch of recursive entries below <paramref name="basePath"/>.</summary>
    /// <exception cref="ArgumentException">No entries, a non-recursive one, or a path outside the base.</exception>
    public static FilterRules Create(RawPath basePath, IReadOnlyList<PathEntry> entries)
    {
        var relatives = RelativePaths(basePath, entries);
        if (!entries[0].Recursive)
        {
            throw new ArgumentException("filter rules select recursive entries only; non-recursive ones go in a --files-from list", nameof(entries));
        }

        // Paths relative to the base as Latin-1 strings: one char per byte, so raw names survive.
        var selected = new HashSet<string>(relatives.Select(Latin1), StringComparer.Ordinal);
        var ancestors = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in selected)
        {
            for (var slash = entry.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = entry.IndexOf('/', slash + 1))
            {
                var ancestor = entry[..slash];
                if (!selected.Contains(ancestor) && !IsWithinAny(ancestor, selected))
                {
                    ancestors.Add(ancestor);
                }
            }
        }

        var includes = new List<string>();
        var excludes = new List<string>();
        foreach (var path in selected.Where(p => p.Length > 0).Concat(ancestors).Order(StringComparer.Ordinal))
        {
            includes.Add("+ /" + Escape(path, wildcard: false));
        }

        foreach (var ancestor in ancestors)
        {
            excludes.Add("- /" + Escape(ancestor, wildcard: true) + "/*");
        }

        if (!selected.Contains(string.Empty))
        {
            excludes.Add("- /*");
        }

        var lines = includes.Concat(excludes).Select(Encoding.Latin1.GetBytes).ToList();
        var nul = NeedsNulSeparators(lines);
        return new FilterRules(Join(lines, nul), nul);
    }

    /// <summary>
    /// A name as an rsync pattern. rsync treats <c>\</c> as an escape only in patterns with a wildcard
    /// (<c>*</c>, <c>?</c>, <c>[</c>): such patterns get <c>\</c> before each of those four characters.
    /// </summary>
    internal static string Escape(string name, bool wildcard)
    {
        if (!wildcard && name.AsSpan().IndexOfAny("*?[") < 0)
        {
            return name;
        }

        var sb = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (c is '\\' or '*' or '?' or '[')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static bool IsWithinAny(string path, HashSet<string> entries) =>
        entries.Any(entry => entry.Length == 0 || path == entry || path.StartsWith(entry + "/", StringComparison.Ordinal));
}
