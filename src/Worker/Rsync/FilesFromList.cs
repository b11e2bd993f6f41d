using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// Content of rsync's <c>--files-from</c> file: each entry's path relative to the base with a trailing
/// <c>/</c> (the base itself is <c>/</c>), written as raw bytes. Several entries of the same kind (all
/// recursive or all not) can share one list, so one rsync run syncs a batch. Names starting with <c>#</c>
/// or <c>;</c> get a <c>./</c> prefix, because rsync reads such lines as comments.
/// </summary>
/// <param name="Content">The bytes to write to the file.</param>
/// <param name="NulSeparated">True when a name contains a newline or carriage return: entries are then
/// NUL-terminated and rsync needs <c>--from0</c>.</param>
/// <param name="Recursive">Whether the entries are synced recursively (<c>-r</c>).</param>
public sealed record FilesFromList(byte[] Content, bool NulSeparated, bool Recursive)
{
    /// <summary>Builds the list.</summary>
    /// <exception cref="ArgumentException">No entries, mixed recursion, or a path outside the base.</exception>
    public static FilesFromList Create(RawPath basePath, IReadOnlyList<PathEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("no entries", nameof(entries));
        }

        var recursive = entries[0].Recursive;
        if (entries.Any(e => e.Recursive != recursive))
        {
            throw new ArgumentException("entries of one files-from list must all be recursive or all not", nameof(entries));
        }

        var trimmedBase = basePath.TrimEndSeparators();
        var relatives = new List<byte[]>(entries.Count);
        foreach (var entry in entries)
        {
            if (!entry.Path.StartsWith(trimmedBase))
            {
                throw new ArgumentException($"Invalid path! {entry.Path} is not a subpath of {trimmedBase}!", nameof(entries));
            }

            // The original: path[len(base):].strip('/') + '/'.
            var relative = entry.Path.Slice(trimmedBase.Length).Trim((byte)'/');

            // rsync skips files-from lines starting with '#' or ';' as comments (the original lost such
            // directories); "./" keeps the same relative path and is not a comment.
            var escape = !relative.IsEmpty && relative[0] is (byte)'#' or (byte)';';
            relatives.Add(escape ? [.. "./"u8, .. relative, (byte)'/'] : [.. relative, (byte)'/']);
        }

        var nul = relatives.Any(r => r.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') >= 0);
        var terminator = nul ? (byte)0 : (byte)'\n';
        var content = relatives.SelectMany(r => r.Append(terminator)).ToArray();
        return new FilesFromList(content, nul, recursive);
    }
}
