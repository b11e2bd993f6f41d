using System.Runtime.InteropServices;

namespace ZkSync.Worker.Coordination;

/// <summary>What a file system has free, from statvfs(3): for <c>zkrsync local</c>'s preflight and for a destination
/// that reports itself full.</summary>
internal static partial class FileSystemSpace
{
    private const ulong ReadOnlyFlag = 1; // ST_RDONLY

    /// <summary>Bytes free for unprivileged users, free inodes (0 total: the file system has no limit) and whether
    /// it is mounted read-only; null when <paramref name="path"/> cannot be asked.</summary>
    public static Space? Of(string path)
    {
        if (StatVfs(path, out var vfs) != 0)
        {
            return null;
        }

        return new Space(
            (long)Math.Min(vfs.Available * vfs.FragmentSize, long.MaxValue),
            (long)Math.Min(vfs.InodesAvailable, long.MaxValue),
            (long)Math.Min(vfs.Inodes, long.MaxValue),
            (vfs.Flags & ReadOnlyFlag) != 0);
    }

    [LibraryImport("libc", EntryPoint = "statvfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatVfs(string path, out VfsStats stats);

    internal readonly record struct Space(long FreeBytes, long FreeInodes, long Inodes, bool ReadOnly);

    /// <summary>glibc's <c>struct statvfs</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct VfsStats
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong Available;
        public ulong Inodes;
        public ulong InodesFree;
        public ulong InodesAvailable;
        public ulong FileSystemId;
        public ulong Flags;
        public ulong NameMax;
        private unsafe fixed int _spare[6];
    }
}
