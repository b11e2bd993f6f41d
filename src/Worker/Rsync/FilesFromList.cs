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
    /// <inheritdoc/>
    public override string ListOption(string listFile) => $"--files-from={listFile}";

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
}
