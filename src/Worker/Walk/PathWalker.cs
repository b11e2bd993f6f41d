using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ZkSync.Worker.Walk;

/// <summary>
/// Builds the path queue of a session: the original's <c>get_pathlist</c> (vsc.zk.depthwalk), streamed.
/// <list type="bullet">
/// <item>The base itself comes first as <c>0_&lt;base&gt;</c>; below it every directory down to <c>--depth</c>
/// levels, <c>rec</c> = 1 only for those exactly <c>--depth</c> levels deep (synced recursively).</item>
/// <item>Order is the original's <c>os.walk</c> pre-order: when a directory is visited, all its listed
/// subdirectories are emitted, then each is visited in turn. Siblings are in ordinal byte order (the
/// original uses readdir order, which is arbitrary).</item>
/// <item>Symlinks to directories are neither queued nor followed; <c>--excludere</c> (searched in the
/// absolute path) excludes a directory and everything below it, but only when the directory is owned by
/// <c>--excl_usr</c> (any owner when no user is given).</item>
/// <item><c>--rsubpaths</c> <c>&lt;depth&gt;_&lt;path&gt;</c> walk listed paths deeper; each must already be in the
/// list and be at least as deep as the previous level (deepest last). As in the original, their new
/// entries follow the base list, and entries that a deeper walk covers lose <c>rec</c> = 1 unless they
/// are at its new depth. All of this is validated before the first entry is produced, so a bad
/// <c>--rsubpaths</c> fails before anything is queued.</item>
/// </list>
/// </summary>
public sealed partial class PathWalker(ILogger<PathWalker> logger)
{
    private readonly ILogger<PathWalker> _logger = logger;

    /// <summary>The entries in queue order, produced lazily so a caller can keep a bounded window. With
    /// <paramref name="resumeAfter"/> (the last entry an earlier walk of the same options queued), only the
    /// entries after it in walk order, listing only the directories on the way there.</summary>
    /// <exception cref="PathWalkException">Invalid options (raised by the first <c>MoveNextAsync</c>).</exception>
    public async IAsyncEnumerable<PathEntry> WalkAsync(
        PathWalkOptions options,
        PathEntry? resumeAfter = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var plan = Prepare(options);
        await Task.Yield();
        foreach (var entry in Enumerate(plan, resumeAfter is null ? null : Position.Of(plan, resumeAfter.Path), cancellationToken))
        {
            yield return entry;
        }
    }

    /// <summary>The same entries, synchronously.</summary>
    public IEnumerable<PathEntry> Walk(PathWalkOptions options, PathEntry? resumeAfter = null, CancellationToken cancellationToken = default)
    {
        var plan = Prepare(options);
        return Enumerate(plan, resumeAfter is null ? null : Position.Of(plan, resumeAfter.Path), cancellationToken);
    }

    /// <summary>Checks the options (notably <c>--rsubpaths</c>) against the file system without walking.</summary>
    /// <exception cref="PathWalkException">What is wrong, in one line.</exception>
    public void Validate(PathWalkOptions options) => _ = Prepare(options);

    private Plan Prepare(PathWalkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var basePath = options.BasePath.TrimEndSeparators();
        if (basePath.Length == 0)
        {
            throw new PathWalkException("the source base path must not be empty or '/'");
        }

        if (options.Depth < 0)
        {
            throw new PathWalkException($"invalid depth {options.Depth}");
        }

        var roots = new List<Root> { new(basePath, basePath.SeparatorCount, options.Depth) };
        var plan = new Plan(basePath, roots, options);
        var depthLevel = roots[0].Limit;
        foreach (var sub in options.SubPaths ?? [])
        {
            RawPath subPath;
            try
            {
                subPath = RawPath.FromString(sub.Path).TrimEndSeparators();
            }
            catch (ArgumentException e)
            {
                throw new PathWalkException($"invalid subpath {sub}: {e.Message}", e);
            }

            if (!subPath.StartsWith(basePath))
            {
                subPath = RawPath.FromBytes([.. basePath.Bytes, (byte)'/', .. subPath.Bytes]);
            }

            if (!IsListed(plan, subPath))
            {
                throw new PathWalkException($"{subPath} is not in the pathlist of {basePath} with depth {options.Depth}!");
            }

            var newDepth = subPath.SeparatorCount + sub.Depth;
            if (newDepth < depthLevel)
            {
                throw new PathWalkException(
                    $"depthlevel {newDepth} for subpath {subPath} is not as deep as current depthlevel {depthLevel}!");
            }

            depthLevel = newDepth;
            roots.Add(new Root(subPath, subPath.SeparatorCount, sub.Depth));
        }

        return plan;
    }

    private IEnumerable<PathEntry> Enumerate(Plan plan, Position? after, CancellationToken cancellationToken)
    {
        var count = 0;
        for (var j = 0; j < plan.Roots.Count; j++)
        {
            if (after is not null && j < after.Root)
            {
                // Everything this root produces came before the resume point.
                continue;
            }

            foreach (var entry in WalkRoot(plan, j, after is not null && j == after.Root ? after : null, cancellationToken))
            {
                count++;
                yield return entry;
            }
        }

        LogPathListSize(plan.BasePath, count);
    }

    /// <summary>The original's <c>build_paths(root, depth)</c>, minus entries an earlier root already produced, and
    /// minus those up to <paramref name="after"/> (a position in this root): then only the directories on the way
    /// to it are listed.</summary>
    private IEnumerable<PathEntry> WalkRoot(Plan plan, int rootIndex, Position? after, CancellationToken cancellationToken)
    {
        var root = plan.Roots[rootIndex];
        if (rootIndex == 0 && after is null)
        {
            yield return new PathEntry(root.Path, IsRecursive(plan, root.Path));
        }

        if (root.Depth == 0 || !NativeFileSystem.IsDirectory(root.Path))
        {
            yield break;
        }

        if (IsExcluded(plan, root.Path))
        {
            LogExcluded(root.Path);
            yield break;
        }

        var pending = new Stack<(RawPath Directory, Visit Visit)>();
        pending.Push((root.Path, after?.VisitOf(root.Path) ?? Visit.After));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (directory, visit) = pending.Pop();
            var children = ListSubdirectories(plan, directory);
            foreach (var child in children)
            {
                if (visit == Visit.After || (visit == Visit.Parent && after!.IsAfterInParent(child)))
                {
                    if (!IsCoveredByEarlierRoot(plan, rootIndex, child))
                    {
                        yield return new PathEntry(child, IsRecursive(plan, child));
                    }
                }
            }

            // Visit the children (pre-order, in listing order) only while they are above the root's limit.
            if (directory.SeparatorCount + 1 < root.Limit)
            {
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    var childVisit = visit switch
                    {
                        Visit.Ancestor => after!.VisitOf(children[i]),
                        _ => Visit.After,
                    };
                    if (childVisit != Visit.Before)
                    {
                        pending.Push((children[i], childVisit));
                    }
                }
            }
        }
    }

    /// <summary>Real (non-symlink), non-excluded subdirectories of a directory, in byte order.</summary>
    private List<RawPath> ListSubdirectories(Plan plan, RawPath directory)
    {
        List<RawDirectoryEntry> entries;
        try
        {
            entries = NativeFileSystem.ListDirectory(directory);
        }
        catch (IOException e)
        {
            // os.walk ignores unreadable directories; say so at least.
            LogUnreadable(directory, e.Message);
            return [];
        }

        entries.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        var result = new List<RawPath>();
        foreach (var entry in entries)
        {
            var child = directory.Append(entry.Name);
            if (entry.Kind == RawFileKind.SymbolicLink)
            {
                if (NativeFileSystem.IsDirectory(child))
                {
                    LogSymlinkSkipped(child);
                }

                continue;
            }

            if (entry.Kind != RawFileKind.Directory)
            {
                continue;
            }

            if (IsExcluded(plan, child))
            {
                LogExcluded(child);
                continue;
            }

            result.Add(child);
        }

        return result;
    }

    /// <summary>The original's <c>exclude_path</c>: regex search, then (if a user is set) the owner.</summary>
    private bool IsExcluded(Plan plan, RawPath path) => IsExcluded(plan.Options, path);

    /// <summary>
    /// Whether the walk leaves <paramref name="path"/> (a directory) and everything below it out: the
    /// original's <c>exclude_path</c>, a regex search and then, if a user is set, the owner.
    /// </summary>
    private bool IsExcluded(PathWalkOptions options, RawPath path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(path);
        var regex = options.Exclude;
        if (regex is null || !regex.IsMatch(path.ToString()))
        {
            return false;
        }

        if (options.ExcludeUid is not { } uid)
        {
            return true;
        }

        var info = NativeFileSystem.GetInfo(path);
        if (info.Uid is null)
        {
            LogOwnerUnknown(path);
            return false;
        }

        return info.Uid == uid;
    }

    /// <summary>
    /// Whether <paramref name="path"/> is in the list the roots validated so far produce: under one of them
    /// within its depth, with clean components, each a real directory that is not excluded.
    /// </summary>
    private bool IsListed(Plan plan, RawPath path)
    {
        var covering = plan.Roots.Any(r =>
            path.IsSameOrBelow(r.Path) && path.SeparatorCount - r.Level <= r.Depth);
        if (!covering)
        {
            return false;
        }

        if (path.Length == plan.BasePath.Length)
        {
            return true;
        }

        var relative = path.Slice(plan.BasePath.Length + 1);
        if (IsExcluded(plan, plan.BasePath) || !NativeFileSystem.IsDirectory(plan.BasePath))
        {
            return false;
        }

        var current = plan.BasePath;
        foreach (var range in relative.Split((byte)'/'))
        {
            var name = relative[range];
            if (name.IsEmpty || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
            {
                return false;
            }

            current = current.Append(name);
            if (NativeFileSystem.GetInfo(current).Kind != RawFileKind.Directory || IsExcluded(plan, current))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCoveredByEarlierRoot(Plan plan, int rootIndex, RawPath path)
    {
        for (var i = 0; i < rootIndex; i++)
        {
            var r = plan.Roots[i];
            if (path.IsSameOrBelow(r.Path) && path.SeparatorCount <= r.Limit)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>rec of the last root that lists the path: the deepest covering limit (limits only grow).</summary>
    private static bool IsRecursive(Plan plan, RawPath path)
    {
        var level = path.SeparatorCount;
        var limit = -1;
        foreach (var r in plan.Roots)
        {
            if (path.IsSameOrBelow(r.Path) && level <= r.Limit)
            {
                limit = Math.Max(limit, r.Limit);
            }
        }

        return level == limit;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "excluding path {Path}")]
    private partial void LogExcluded(RawPath path);

    [LoggerMessage(Level = LogLevel.Information, Message = "directory symlink not added {Path}")]
    private partial void LogSymlinkSkipped(RawPath path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot list directory {Path}, its subdirectories are not queued: {Reason}")]
    private partial void LogUnreadable(RawPath path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot stat {Path} to check its owner; not excluded")]
    private partial void LogOwnerUnknown(RawPath path);

    [LoggerMessage(Level = LogLevel.Information, Message = "pathlist of path {Path} contains {Count} entries")]
    private partial void LogPathListSize(RawPath path, int count);

    /// <summary>Where a directory stands against a resume position, in walk (pre-)order.</summary>
    private enum Visit
    {
        /// <summary>It and all below it came before: not listed.</summary>
        Before,

        /// <summary>Above the resume entry's parent: listed only to go down; its children came before.</summary>
        Ancestor,

        /// <summary>The resume entry's parent: only its children after the resume entry are new.</summary>
        Parent,

        /// <summary>After the resume position: everything is new.</summary>
        After,
    }

    /// <summary>
    /// A walk position: the entry produced by root <see cref="Root"/> when visiting <see cref="Parent"/>, named
    /// <see cref="Name"/> (the base entry itself: no parent). Directories are visited in pre-order with siblings in
    /// byte order, so the position of any path follows from the path alone, whether it still exists or not.
    /// </summary>
    private sealed record Position(int Root, RawPath? Parent, byte[] Name)
    {
        public static Position Of(Plan plan, RawPath path)
        {
            var trimmed = path.TrimEndSeparators();
            if (trimmed == plan.BasePath)
            {
                return new Position(0, null, []);
            }

            var root = 0;
            for (var i = 0; i < plan.Roots.Count; i++)
            {
                if (trimmed.IsSameOrBelow(plan.Roots[i].Path) && trimmed.SeparatorCount <= plan.Roots[i].Limit)
                {
                    root = i;
                    break;
                }
            }

            var slash = trimmed.Bytes.LastIndexOf((byte)'/');
            return new Position(root, RawPath.FromBytes(trimmed.Bytes[..Math.Max(slash, 1)]), trimmed.Bytes[(slash + 1)..].ToArray());
        }

        /// <summary>How a directory of this position's root is to be visited.</summary>
        public Visit VisitOf(RawPath directory)
        {
            if (Parent is null)
            {
                // Resuming after the base entry: the whole walk below it is new.
                return Visit.After;
            }

            if (directory == Parent)
            {
                return Visit.Parent;
            }

            if (Parent.IsSameOrBelow(directory))
            {
                return Visit.Ancestor;
            }

            // Not on the way to the parent: compare at the first component where they differ (pre-order).
            var a = directory.Bytes;
            var b = Parent.Bytes;
            var common = a.CommonPrefixLength(b);
            var start = a[..common].LastIndexOf((byte)'/') + 1;
            return NextComponent(a, start).SequenceCompareTo(NextComponent(b, start)) < 0 ? Visit.Before : Visit.After;
        }

        /// <summary>Whether a child of <see cref="Parent"/> comes after the resume entry.</summary>
        public bool IsAfterInParent(RawPath child)
        {
            var bytes = child.Bytes;
            return bytes[(bytes.LastIndexOf((byte)'/') + 1)..].SequenceCompareTo(Name) > 0;
        }

        private static ReadOnlySpan<byte> NextComponent(ReadOnlySpan<byte> path, int start)
        {
            var rest = path[start..];
            var slash = rest.IndexOf((byte)'/');
            return slash < 0 ? rest : rest[..slash];
        }
    }

    private sealed record Root(RawPath Path, int Level, int Depth)
    {
        public int Limit => Level + Depth;
    }

    private sealed record Plan(RawPath BasePath, List<Root> Roots, PathWalkOptions Options);
}
