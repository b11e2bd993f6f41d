using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// Content of rsync's <c>--files-from</c> file: each entry's path relative to the base with a trailing
/// <c>/</c> (the base itself is <c>/</c>), written as raw bytes. Several entries of the same kind (all
/// recursive or all not) can share one list, so one rsync run syncs a batch. Names starting with <c>#</c>
/// or <c>;</c> get a <c>./</c> prefix, because rsync reads such lines as comments.
/// This is the original's command line; rsync then implies <c>--relative</c> and, since 3.4, checks every
/// component of every file's path, which <see cref="FilterRules"/> avoids.
/// </summary>
public sealed record FilesFromList(byte[] Content, bool NulSeparated, bool Recursive)
    : EntrySelection(Content, NulSeparated, Recursive)
{
    /// <summary>The option that reads the list from <paramref name="listFile"/>.</summary>
    public static string ListOption(string listFile) => $"--files-from={listFile}";

    /// <inheritdoc/>
    public override IReadOnlyList<string> SelectionOptions(string listFile) => [ListOption(listFile)];

    /// <summary>Builds the list.</summary>
    /// <exception cref="ArgumentException">No entries, mixed recursion, or a path outside the base.</exception>
    public static FilesFromList Create(RawPath basePath, IReadOnlyList<PathEntry> entries)
    {
        var relatives = new List<byte[]>();
        foreach (var relative in RelativePaths(basePath, entries))
        {
            // rsync skips files-from lines starting with '#' or ';' as comments (the original lost such
            // directories); "./" keeps the same relative path and is not a comment.
            var escape = relative.Length > 0 && relative[0] is (byte)'#' or (byte)';';
            relatives.Add(escape ? [.. "./"u8, .. relative, (byte)'/'] : [.. relative, (byte)'/']);
        }

        var nul = NeedsNulSeparators(relatives);
        return new FilesFromList(Join(relatives, nul), nul, entries[0].Recursive);
    }

    /// <summary>
    /// The directory a batch of non-recursive entries can run from: the first component of their shared parent, relative
    /// to the base. A list implies <c>--relative</c>, and rsync 3.4+ then resolves every file of an entry one path component
    /// at a time from where the run starts (two metadata calls per component, on both ends): from there that is one
    /// component less than from the base, for entries two levels down all there is but the entry's own. Only one component:
    /// rsync makes a missing destination directory only when its parent exists (deeper needs <c>--mkpath</c>, which a
    /// destination's older rsync may not know). Null (run from the base) when the entries share no parent below the base,
    /// or its name is not plain ASCII (it goes in argv and in the daemon URL, whose remote path rsync before 3.2.4 splits
    /// and expands).
    /// </summary>
    public static string? SharedParent(RawPath basePath, IReadOnlyList<PathEntry> entries)
    {
        byte[]? shared = null;
        foreach (var relative in RelativePaths(basePath, entries))
        {
            var slash = Array.IndexOf(relative, (byte)'/');
            if (slash <= 0)
            {
                return null; // the base itself, or an entry right below it
            }

            var top = relative.AsSpan(0, slash);
            if (shared is null)
            {
                shared = top.ToArray();
            }
            else if (!top.SequenceEqual(shared))
            {
                return null;
            }
        }

        return shared is null || !shared.All(IsPlain) || shared is [(byte)'.'] or [(byte)'.', (byte)'.']
            ? null
            : System.Text.Encoding.ASCII.GetString(shared);
    }

    /// <summary><paramref name="basePath"/> with <paramref name="subPath"/> (from <see cref="SharedParent"/>) below it.</summary>
    public static RawPath Below(RawPath basePath, string subPath)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        ArgumentNullException.ThrowIfNull(subPath);
        return basePath.TrimEndSeparators().Append(System.Text.Encoding.ASCII.GetBytes(subPath));
    }

    /// <summary>Bytes a shared parent's name may hold: letters, digits and <c>._-+,=@</c> (nothing a shell or rsync's
    /// remote-argument splitting treats specially).</summary>
    private static bool IsPlain(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'.' or (byte)'_' or (byte)'-' or (byte)'+' or (byte)',' or (byte)'=' or (byte)'@';
}
