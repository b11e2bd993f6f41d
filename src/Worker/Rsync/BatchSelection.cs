using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// How one rsync run selects a batch of entries: as source arguments, or by a list (filter rules, or a <c>--files-from</c> list), and the directory
/// below the base the run goes from and to (<see cref="SubPath"/>, null: the base). One decision, made here for every run.
/// </summary>
/// <param name="List">The entries as rsync gets them.</param>
/// <param name="SubPath">A directory right below the base that holds every entry (<see cref="FilesFromList.SharedParent"/>):
/// the source is <c>base/SubPath/</c> and the destination <c>module/SubPath/</c>. Null: both are the base.</param>
/// <param name="FilesFromReason">Why a recursive batch goes with a <c>--files-from</c> list instead of filter rules (null: it
/// does not, or it is not recursive).</param>
public sealed record BatchSelection(EntrySelection List, string? SubPath, string? FilesFromReason)
{
    /// <summary>
    /// With <paramref name="originalFilesFrom"/> (<c>--files-from</c>), the original's list from the base. Otherwise the entries
    /// as source arguments (<see cref="SourceArguments"/>), and where they cannot be (a name that is not UTF-8, say), recursive
    /// entries by filter rules (unless <see cref="FilterRules.Unsuitable"/> says why not), and non-recursive ones by a
    /// <c>--files-from</c> list from their shared parent (<see cref="FilesFromList.SharedParent"/>).
    /// </summary>
    public static BatchSelection For(
        RawPath basePath, IReadOnlyList<PathEntry> entries, bool originalFilesFrom, IReadOnlyList<string>? extraOptions)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        ArgumentNullException.ThrowIfNull(entries);
        if (originalFilesFrom)
        {
            return new BatchSelection(FilesFromList.Create(basePath, entries), null, null);
        }

        if (SourceArguments.Create(basePath, entries) is { } arguments)
        {
            return new BatchSelection(arguments, null, null);
        }

        if (!entries[0].Recursive)
        {
            var subPath = FilesFromList.SharedParent(basePath, entries);
            var listBase = subPath is null ? basePath : FilesFromList.Below(basePath, subPath);
            return new BatchSelection(FilesFromList.Create(listBase, entries), subPath, null);
        }

        return FilterRules.Unsuitable(entries, extraOptions) is { } reason
            ? new BatchSelection(FilesFromList.Create(basePath, entries), null, reason)
            : new BatchSelection(FilterRules.Create(basePath, entries), null, null);
    }
}
