using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// How one rsync run is told which queue entries of a batch to sync: a list file written to
/// <c>--tmpdir</c> and the rsync option that reads it, or (<see cref="SourceArguments"/>) the entries themselves
/// as rsync's source arguments.
/// </summary>
/// <param name="Content">The bytes to write to the file.</param>
/// <param name="NulSeparated">True when a name contains a newline or carriage return: lines are then
/// NUL-terminated and rsync needs <c>--from0</c>.</param>
/// <param name="Recursive">Whether rsync runs with <c>-r</c>.</param>
public abstract record EntrySelection(byte[] Content, bool NulSeparated, bool Recursive)
{
    /// <summary>Whether the run reads <see cref="Content"/> from a list file.</summary>
    public virtual bool UsesListFile => true;

    /// <summary>The rsync options that select the entries (a list's reads it from <paramref name="listFile"/>).</summary>
    public abstract IReadOnlyList<string> SelectionOptions(string listFile);

    /// <summary>rsync's source arguments: by default the base (<paramref name="basePath"/>, as given).</summary>
    public virtual IReadOnlyList<string> SourcePaths(string basePath) => [basePath];

    /// <summary>
    /// Each entry's path relative to the base, without leading or trailing <c>/</c> (the base itself is
    /// empty), as the original computes it: <c>path[len(base):].strip('/')</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No entries, mixed recursion, or a path outside the base.</exception>
    protected static List<byte[]> RelativePaths(RawPath basePath, IReadOnlyList<PathEntry> entries)
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
            throw new ArgumentException("entries of one rsync run must all be recursive or all not", nameof(entries));
        }

        var trimmedBase = basePath.TrimEndSeparators();
        var relatives = new List<byte[]>(entries.Count);
        foreach (var entry in entries)
        {
            if (!entry.Path.StartsWith(trimmedBase))
            {
                throw new ArgumentException($"Invalid path! {entry.Path} is not a subpath of {trimmedBase}!", nameof(entries));
            }

            relatives.Add(entry.Path.Slice(trimmedBase.Length).Trim((byte)'/').ToArray());
        }

        return relatives;
    }

    /// <summary>True when a name needs <c>--from0</c>: rsync would split it at a line break.</summary>
    protected static bool NeedsNulSeparators(IEnumerable<byte[]> lines) =>
        lines.Any(line => line.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') >= 0);

    /// <summary>Each line followed by NUL or newline.</summary>
    protected static byte[] Join(IEnumerable<byte[]> lines, bool nulSeparated)
    {
        var terminator = nulSeparated ? (byte)0 : (byte)'\n';
        return lines.SelectMany(line => line.Append(terminator)).ToArray();
    }
}
