using System.Text;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// rsync filter rules (read with <c>--exclude-from</c>) that pick a batch's entries out of a recursive
/// transfer of the whole base, the default way a source runs rsync. The original names the entries in a
/// <c>--files-from</c> list instead; that implies <c>--relative</c>, and rsync 3.4+ then opens every
/// component of every file's path (about three times the metadata calls of a plain <c>rsync -a</c>).
/// Here rsync walks from the base as <c>rsync -a</c> does, and the rules keep it on the entries' paths:
/// <list type="bullet">
/// <item><c>+ /A</c> for every directory on the way to an entry and <c>+ /E</c> for every entry: they are in
/// rsync's file list, so each run that creates something in them also sets their attributes afterwards
/// (a directory's mtime ends right whichever run finishes last, as with the original's implied
/// directories);</item>
/// <item><c>- /A/*</c> for those directories: nothing else of them is sent, and with <c>--delete</c> nothing
/// else of them is deleted;</item>
/// <item>for a non-recursive entry (<c>0_</c>), its files go, and <c>- /E/S/</c> for each subdirectory S the
/// walk queues (S is an entry of its own, which creates it), while <c>--delete</c> still removes
/// subdirectories that are gone from the source; a subdirectory the walk leaves out
/// (<c>--excludere</c>) is created empty, as the original does: <c>+ /E/S</c> and <c>- /E/S/*</c>;</item>
/// <item><c>- /*</c> last, unless the base itself is an entry.</item>
/// </list>
/// Includes come before excludes; rsync uses the first rule that matches. Names are escaped where a
/// pattern uses wildcards.
/// </summary>
public sealed record FilterRules(byte[] Content, bool NulSeparated)
    : EntrySelection(Content, NulSeparated, Recursive: true)
{
    /// <summary>
    /// The subdirectories of a source directory, or null when it cannot be listed; then the rule
    /// <c>- /E/*/</c> keeps all of them out (also from <c>--delete</c>).
    /// </summary>
    public delegate IReadOnlyList<Subdirectory>? SubdirectoryLister(RawPath directory);

    /// <summary>A subdirectory's raw name, and whether the walk queues it (it is an entry of its own).</summary>
    public readonly record struct Subdirectory(byte[] Name, bool Queued);

    /// <summary>rsync options under which rules that exclude everything outside a batch would do harm.</summary>
    private static readonly string[] UnsafeOptions = ["delete-excluded", "prune-empty-dirs"];

    /// <inheritdoc/>
    public override string ListOption(string listFile) => $"--exclude-from={listFile}";

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

    /// <summary>Builds the rules for a batch of entries of one kind below <paramref name="basePath"/>.</summary>
    /// <exception cref="ArgumentException">No entries, mixed recursion, or a path outside the base.</exception>
    public static FilterRules Create(RawPath basePath, IReadOnlyList<PathEntry> entries, SubdirectoryLister subdirectories)
    {
        ArgumentNullException.ThrowIfNull(subdirectories);
        var relatives = RelativePaths(basePath, entries);
        var recursive = entries[0].Recursive;

        // Paths relative to the base as Latin-1 strings: one char per byte, so raw names survive.
        var selected = new HashSet<string>(relatives.Select(Latin1), StringComparer.Ordinal);
        var ancestors = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in selected)
        {
            for (var slash = entry.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = entry.IndexOf('/', slash + 1))
            {
                var ancestor = entry[..slash];
                if (!selected.Contains(ancestor) && !(recursive && IsWithinAny(ancestor, selected)))
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

        if (!recursive)
        {
            foreach (var entry in selected.Order(StringComparer.Ordinal))
            {
                var directory = entry.Length == 0 ? basePath : RawPath.FromBytes([.. basePath.TrimEndSeparators().Bytes, (byte)'/', .. Encoding.Latin1.GetBytes(entry)]);
                var prefix = entry.Length == 0 ? "/" : "/" + Escape(entry, wildcard: true) + "/";
                var children = subdirectories(directory);
                if (children is null)
                {
                    excludes.Add("- " + prefix + "*/");
                    continue;
                }

                foreach (var child in children.OrderBy(c => Latin1(c.Name), StringComparer.Ordinal))
                {
                    var name = Latin1(child.Name);
                    var path = entry.Length == 0 ? name : entry + "/" + name;
                    if (selected.Contains(path) || ancestors.Contains(path))
                    {
                        continue;
                    }

                    if (child.Queued)
                    {
                        excludes.Add("- /" + Escape(path, wildcard: false) + "/");
                    }
                    else
                    {
                        includes.Add("+ /" + Escape(path, wildcard: false));
                        excludes.Add("- /" + Escape(path, wildcard: true) + "/*");
                    }
                }
            }
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
