using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Where a destination's rsync daemon keeps its temporary files: <c>&lt;base&gt;/.zkrsync-tmp/&lt;host&gt;_&lt;pid&gt;</c>, on the
/// destination's own file system (so rsync renames, not copies, a finished file into place) yet out of the user's tree
/// (hidden from clients and from their deletions by the daemon's filter: <see cref="RsyncCommandBuilder.DaemonConfig"/>).
/// A receiver killed mid-file (a destination SIGKILLed, a pod deleted) leaves its temporary file there, not next to the
/// user's file; the directories of destinations that are gone are removed when a destination starts and when it
/// stops, and <c>.zkrsync-tmp</c> itself when the last one stops. Whether a destination is gone is told by its process
/// (this host's) or by the session's members (another host's), and a destination killed outright (SIGKILL, a pod deleted
/// without grace) stays a member until its ZooKeeper session expires, so a new destination that starts meanwhile keeps
/// its directory; in Kubernetes, where every pod has a new address, nothing else would remove it. So a destination that
/// the master stopped at the session's end (no transfer of it goes on) removes every directory, the dead one's included;
/// at a suspension, only its own and those of destinations that are gone. A directory removed under a running daemon
/// anyway is made again when the daemon reports it missing. The base's modification time is kept through all of it.
/// </summary>
internal static class DaemonTempDirectory
{
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A destination's directory name: its whoami (<c>host:pid</c>) in characters a daemon filter takes literally.</summary>
    public static string NameOf(string whoAmI)
    {
        ArgumentNullException.ThrowIfNull(whoAmI);
        var name = new StringBuilder(whoAmI.Length);
        foreach (var c in whoAmI)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>Creates this destination's directory, after removing those of destinations that are gone.</summary>
    /// <param name="basePath">The destination's base (<c>--rsyncpath</c>).</param>
    /// <param name="name">This destination's <see cref="NameOf"/>.</param>
    /// <param name="isLive">Whether the destination a directory name belongs to still runs (see <see cref="IsLive"/>).</param>
    /// <returns>The directories of other destinations removed.</returns>
    public static IReadOnlyList<string> Prepare(string basePath, string name, Func<string, bool> isLive)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        var root = Path.Combine(basePath, RsyncCommandBuilder.TempRoot);
        MakeRoot(basePath, root);
        var removed = RemoveStale(root, other => other == name || isLive(other));
        Directory.CreateDirectory(Path.Combine(root, name), PrivateMode);
        return removed;
    }

    /// <summary>What rsync's receiver logs (in the daemon's log) when its temp dir is gone: it refuses the transfer.</summary>
    public const string MissingMessage = "The temp-dir does not exist";

    /// <summary>Makes this destination's directory again (and <c>.zkrsync-tmp</c>) after something removed it under a running
    /// daemon, whose every transfer would otherwise fail. The base's modification time is kept.</summary>
    /// <returns>Whether it was missing.</returns>
    public static bool Recreate(string basePath, string name)
    {
        var root = Path.Combine(basePath, RsyncCommandBuilder.TempRoot);
        var directory = Path.Combine(root, name);
        if (Directory.Exists(directory))
        {
            return false;
        }

        MakeRoot(basePath, root);
        Directory.CreateDirectory(directory, PrivateMode);
        return true;
    }

    /// <summary>Removes this destination's directory (with whatever a killed receiver left), those of destinations that are
    /// gone (all of them once <paramref name="sessionEnded"/>), and <c>.zkrsync-tmp</c> when nothing else is left in it.</summary>
    /// <param name="sessionEnded">The master said stop and the session ended (not suspended), so no destination of it
    /// transfers any more, and what any of them left is stale, whether its owner still looks alive or not. A suspended
    /// session is not: a master that resumes it without waiting for every worker of the suspension to leave (its
    /// suspending master was killed) lets new destinations make their directories while the old ones still stop.</param>
    /// <returns>The directories of other destinations removed.</returns>
    public static IReadOnlyList<string> Remove(string basePath, string name, Func<string, bool> isLive, bool sessionEnded = false)
    {
        ArgumentNullException.ThrowIfNull(isLive);
        var root = Path.Combine(basePath, RsyncCommandBuilder.TempRoot);
        if (!Directory.Exists(root))
        {
            return [];
        }

        if (sessionEnded)
        {
            // Everything in it is stale: the first destination to rename it away removes all of it (destinations stopping
            // together each found another's directory there when they tried to remove their own); the others find it gone.
            var others = List(basePath).Where(other => other != name).ToList();
            KeepingModificationTime(basePath, () =>
            {
                var removing = $"{root}.{name}.removing";
                if (Directory.Exists(removing))
                {
                    RemoveTree(removing); // what a destination of this name killed mid-removal left
                }

                try
                {
                    Directory.Move(root, removing);
                }
                catch (DirectoryNotFoundException)
                {
                    return false; // another destination took it
                }

                RemoveTree(removing);
                return true;
            });
            return others;
        }

        RemoveTree(Path.Combine(root, name));
        var removed = RemoveStale(root, other => other != name && isLive(other));
        KeepingModificationTime(basePath, () =>
        {
            try
            {
                Directory.Delete(root);
                return true;
            }
            catch (IOException)
            {
                // Another destination of this base still works in it, or removed it first.
                return false;
            }
        });
        return removed;
    }

    /// <summary>
    /// The directories in <c>.zkrsync-tmp</c> now. Whoever asks the session's members about them must list first: a
    /// destination joins the session before it makes its directory, so the owner of one listed here that still runs is
    /// among the members read afterwards, while a directory made after the listing (a destination that has just started,
    /// not yet among members read earlier) is not judged at all.
    /// </summary>
    public static IReadOnlySet<string> List(string basePath)
    {
        var root = Path.Combine(basePath, RsyncCommandBuilder.TempRoot);
        return Directory.Exists(root)
            ? NativeFileSystem.ListDirectory(RawPath.FromString(root)).Select(entry => Encoding.UTF8.GetString(entry.Name)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>
    /// Whether the destination of directory <paramref name="name"/> still runs: one of this host (<paramref name="host"/>)
    /// while its process lives; another host's while it is one of <paramref name="members"/> (the session's whoamis;
    /// null when they cannot be asked: then it counts as running).
    /// </summary>
    public static bool IsLive(string name, string host, IReadOnlyCollection<string>? members)
    {
        ArgumentNullException.ThrowIfNull(name);
        var prefix = NameOf(host + ":");
        if (name.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return pid == Environment.ProcessId || Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
        }

        return members is null || members.Any(member => NameOf(member) == name);
    }

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static List<string> RemoveStale(string root, Func<string, bool> keep)
    {
        var removed = new List<string>();
        foreach (var entry in NativeFileSystem.ListDirectory(RawPath.FromString(root)))
        {
            var name = Encoding.UTF8.GetString(entry.Name);
            if (!keep(name))
            {
                var path = Path.Combine(root, name);
                try
                {
                    RemoveTree(path);
                }
                catch (IOException) when (!Path.Exists(path))
                {
                    // Removed under us by another destination sweeping at the same time (the end of a session).
                }

                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary><c>rm -rf</c>: temporary files carry the user's file names, which need not be UTF-8. A tree of empty
    /// directories (what rsync's receivers leave when they finish: the usual end of a session) goes without starting rm.</summary>
    private static void RemoveTree(string path)
    {
        if (TryRemoveEmptyDirectories(RawPath.FromString(path)))
        {
            return;
        }

        var start = new ProcessStartInfo("rm") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[] { "-rf", "--one-file-system", "--", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var rm = Process.Start(start) ?? throw new IOException("cannot start rm");
        var error = rm.StandardError.ReadToEnd();
        if (!rm.WaitForExit(RemoveTimeout) || rm.ExitCode != 0)
        {
            throw new IOException($"cannot remove {path}: {error.Trim()}");
        }
    }

    /// <summary>Removes <paramref name="path"/> when it and everything below it are directories only (no symlink followed);
    /// false, having removed what it could, when anything else is there or a removal fails (gone already counts as removed).</summary>
    private static bool TryRemoveEmptyDirectories(RawPath path)
    {
        List<RawDirectoryEntry> entries;
        try
        {
            entries = NativeFileSystem.ListDirectory(path);
        }
        catch (IOException)
        {
            return !Path.Exists(path.ToString());
        }

        foreach (var entry in entries)
        {
            if (entry.Kind != RawFileKind.Directory || !TryRemoveEmptyDirectories(path.Append(entry.Name)))
            {
                return false;
            }
        }

        return NativeFileSystem.TryRemoveDirectory(path);
    }

    /// <summary>Makes <c>.zkrsync-tmp</c> when it is missing, keeping the base's modification time.</summary>
    private static void MakeRoot(string basePath, string root) =>
        KeepingModificationTime(basePath, () => NativeFileSystem.TryMakeDirectory(RawPath.FromString(root), PrivateMode));

    /// <summary>Runs <paramref name="change"/> (an entry made or removed in <paramref name="directory"/>) and, when it changed
    /// something, puts the directory's modification time back: the copy of the user's tree must not show our housekeeping.
    /// Only the destination whose change happened restores: another one sharing the base may have read the time while
    /// ours was changed, and its "restore" would write the housekeeping time back.</summary>
    internal static void KeepingModificationTime(string directory, Func<bool> change)
    {
        var path = RawPath.FromString(directory);
        var before = NativeFileSystem.GetModificationTime(path);
        if (change() && before is { } time && NativeFileSystem.GetModificationTime(path) != time)
        {
            NativeFileSystem.SetModificationTime(path, time);
        }
    }
}
