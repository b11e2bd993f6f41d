using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace ZkSync.Worker.Local;

/// <summary>
/// Checks <c>zkrsync local</c> makes before starting anything, each failing with one line: the source is
/// a directory, the destination is writable and neither contains the other, and (for a first copy into
/// an empty destination) there is room for it.
/// </summary>
internal static partial class Preflight
{
    /// <summary>Bytes the estimate adds per file for its last, partly used block.</summary>
    private const long BlockSlack = 4096;

    /// <summary>
    /// The resolved source and destination. Nothing is created here: a destination that does not exist
    /// yet (its parent must) is checked through its parent and made by <see cref="CreateDestination"/>
    /// once every check has passed, so a refused run leaves no trace (no empty directory inside the source).
    /// </summary>
    /// <exception cref="PreflightException">What is wrong.</exception>
    public static (string Source, string Destination) CheckPaths(string source, string destination)
    {
        var src = Path.GetFullPath(source);
        if (!Directory.Exists(src))
        {
            throw new PreflightException(File.Exists(src) ? $"source {source} is not a directory" : $"source {source} does not exist");
        }

        src = ResolveLinks(src);
        var full = Path.GetFullPath(destination);
        if (File.Exists(full))
        {
            throw new PreflightException($"destination {destination} is not a directory");
        }

        string dst;
        string writable;
        if (Directory.Exists(full))
        {
            dst = ResolveLinks(full);
            writable = dst;
        }
        else
        {
            var trimmed = full.Length > 1 ? full.TrimEnd('/') : full;
            var parent = Path.GetDirectoryName(trimmed);
            if (parent is null || !Directory.Exists(parent))
            {
                throw new PreflightException($"destination {destination} does not exist, nor does its parent directory");
            }

            writable = ResolveLinks(parent);
            dst = Path.Join(writable, Path.GetFileName(trimmed));
        }

        if (src == dst)
        {
            throw new PreflightException("source and destination are the same directory");
        }

        if (IsInside(dst, src))
        {
            throw new PreflightException($"destination {destination} is inside source {source}");
        }

        if (IsInside(src, dst))
        {
            throw new PreflightException($"source {source} is inside destination {destination}");
        }

        // access(2) also answers EROFS on a read-only file system, for root too.
        if (Access(writable, WriteOk | ExecuteOk) != 0)
        {
            throw new PreflightException(writable == dst
                ? $"destination {destination} is not writable"
                : $"cannot create destination {destination}: {writable} is not writable");
        }

        return (src, dst);
    }

    /// <summary>Makes the destination when it does not exist yet (its parent does: <see cref="CheckPaths"/>).</summary>
    /// <exception cref="PreflightException">It cannot be created.</exception>
    public static void CreateDestination(string destination, string shown)
    {
        try
        {
            Directory.CreateDirectory(destination);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new PreflightException($"cannot create destination {shown}: {exception.Message}");
        }
    }

    /// <summary>
    /// When the destination is empty (a first copy), estimates what the source needs (bytes rounded up
    /// per file, one inode per entry) and compares it with what the destination's file system has free.
    /// </summary>
    /// <exception cref="PreflightException">Not enough space or inodes.</exception>
    public static void CheckRoom(string source, string destination)
    {
        var exists = Directory.Exists(destination);
        if (exists && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            return;
        }

        long bytes = 0;
        long entries = 1;
        var sizes = new FileSystemEnumerable<long>(
            source,
            (ref FileSystemEntry entry) => entry.IsDirectory ? 0 : entry.Length,
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 });
        foreach (var size in sizes)
        {
            entries++;
            bytes += size + (size > 0 ? BlockSlack : 0);
        }

        // A destination still to be made will live on its parent's file system.
        if (Coordination.FileSystemSpace.Of(exists ? destination : Path.GetDirectoryName(destination) ?? destination) is not { } space)
        {
            return;
        }

        var freeBytes = space.FreeBytes;
        var freeInodes = space.FreeInodes;
        if (bytes > freeBytes)
        {
            throw new PreflightException(
                $"not enough space on the destination: the source needs about {Units.Bytes(bytes)}, {destination} has {Units.Bytes(freeBytes)} free (--force skips this check)");
        }

        // Some file systems (btrfs, ZFS) report no inode limit: 0 total.
        if (space.Inodes > 0 && entries > freeInodes)
        {
            throw new PreflightException(
                $"not enough inodes on the destination: the source has {entries} entries, {destination} has {freeInodes} free inodes (--force skips this check)");
        }
    }

    private static bool IsInside(string path, string ancestor) =>
        path.StartsWith(ancestor.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The canonical path (symlinks resolved), as realpath(3) gives it.</summary>
    private static string ResolveLinks(string path)
    {
        var resolved = RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return path;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? path;
        }
        finally
        {
            Free(resolved);
        }
    }

    private const int WriteOk = 2;
    private const int ExecuteOk = 1;

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPath(string path, IntPtr resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
