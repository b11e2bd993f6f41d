using System.Runtime.InteropServices;

namespace ZkSync.Worker.Walk;

/// <summary>Kind of a directory entry, from <c>lstat</c> (symlinks are not followed).</summary>
public enum RawFileKind
{
    Missing,
    Directory,
    SymbolicLink,
    Other,
}

/// <summary>One directory entry: its raw name and kind (not following symlinks).</summary>
public readonly record struct RawDirectoryEntry(byte[] Name, RawFileKind Kind);

/// <summary>What the walker needs to know about one path, from <c>lstat</c> and, for links, <c>stat</c>.</summary>
/// <param name="Kind">The entry itself (not followed).</param>
/// <param name="Uid">Owner uid, following symlinks like Python's <c>os.stat</c>; null when unknown.</param>
public readonly record struct RawFileInfo(RawFileKind Kind, uint? Uid);

/// <summary>
/// Byte-faithful file system access for Linux: directory listing through libc <c>opendir</c>/<c>readdir</c>
/// and metadata through <c>statx</c>, all with raw byte paths. .NET's own APIs take strings, which cannot
/// carry file names that are not valid UTF-8.
/// </summary>
public static unsafe partial class NativeFileSystem
{
    private const string LibC = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;
    private const int StatxMtimeOffset = 112;
    private const long UtimeOmit = (1L << 30) - 2;
    private const int ModeTypeMask = 0xF000;
    private const int ModeDirectory = 0x4000;
    private const int ModeSymlink = 0xA000;
    private const int ErrnoExists = 17;

    // glibc/musl struct dirent on 64-bit Linux: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int DirentTypeOffset = 18;
    private const int DirentNameOffset = 19;
    private const byte DtUnknown = 0;
    private const byte DtDir = 4;
    private const byte DtLnk = 10;

    /// <summary>
    /// Entries of a directory (without <c>.</c> and <c>..</c>), names as raw bytes, in readdir order. The kind
    /// comes from <c>d_type</c> (no extra system call); file systems that report <c>DT_UNKNOWN</c> get an
    /// <c>lstat</c>.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be opened or read (errno in the message).</exception>
    public static List<RawDirectoryEntry> ListDirectory(RawPath directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var names = new List<RawDirectoryEntry>();
        var path = directory.ToNullTerminated();
        nint dir;
        fixed (byte* p = path)
        {
            dir = OpenDir(p);
        }

        if (dir == 0)
        {
            throw NewIOException("opendir", directory);
        }

        try
        {
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                var entry = ReadDir(dir);
                if (entry == 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw NewIOException("readdir", directory, errno);
                    }

                    break;
                }

                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + DirentNameOffset);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                var kind = ((byte*)entry)[DirentTypeOffset] switch
                {
                    DtDir => RawFileKind.Directory,
                    DtLnk => RawFileKind.SymbolicLink,
                    DtUnknown => GetInfo(directory.Append(name)).Kind,
                    _ => RawFileKind.Other,
                };
                names.Add(new RawDirectoryEntry(name.ToArray(), kind));
            }
        }
        finally
        {
            _ = CloseDir(dir);
        }

        return names;
    }

    /// <summary>
    /// <c>lstat</c> kind plus the owner uid as <c>os.stat</c> sees it (following a symlink; null when the
    /// link is dangling). <see cref="RawFileKind.Missing"/> when the path does not exist.
    /// </summary>
    public static RawFileInfo GetInfo(RawPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var z = path.ToNullTerminated();
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (!Statx(z, AtSymlinkNoFollow, buffer))
        {
            return new RawFileInfo(RawFileKind.Missing, null);
        }

        var mode = BitConverter.ToUInt16(buffer[StatxModeOffset..]) & ModeTypeMask;
        var uid = BitConverter.ToUInt32(buffer[StatxUidOffset..]);
        switch (mode)
        {
            case ModeDirectory:
                return new RawFileInfo(RawFileKind.Directory, uid);
            case ModeSymlink:
                buffer.Clear();
                return Statx(z, 0, buffer)
                    ? new RawFileInfo(RawFileKind.SymbolicLink, BitConverter.ToUInt32(buffer[StatxUidOffset..]))
                    : new RawFileInfo(RawFileKind.SymbolicLink, null);
            default:
                return new RawFileInfo(RawFileKind.Other, uid);
        }
    }

    /// <summary>A path's modification time to the nanosecond (seconds, nanoseconds), not following a symlink; null when it is missing.</summary>
    public static (long Seconds, uint Nanoseconds)? GetModificationTime(RawPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> buffer = stackalloc byte[StatxSize];
        return Statx(path.ToNullTerminated(), AtSymlinkNoFollow, buffer)
            ? (BitConverter.ToInt64(buffer[StatxMtimeOffset..]), BitConverter.ToUInt32(buffer[(StatxMtimeOffset + 8)..]))
            : null;
    }

    /// <summary>Sets a path's modification time (its access time untouched), as <see cref="GetModificationTime"/> gave it.</summary>
    public static void SetModificationTime(RawPath path, (long Seconds, uint Nanoseconds) time)
    {
        ArgumentNullException.ThrowIfNull(path);
        var z = path.ToNullTerminated();
        Span<long> times = [0, UtimeOmit, time.Seconds, time.Nanoseconds];
        fixed (byte* p = z)
        fixed (long* t = times)
        {
            if (UtimensAt(AtFdCwd, p, t, AtSymlinkNoFollow) != 0)
            {
                throw NewIOException("utimensat", path);
            }
        }
    }

    /// <summary><c>mkdir</c>: true when this call made the directory, false when it already existed (whoever made it).</summary>
    public static bool TryMakeDirectory(RawPath path, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(path);
        fixed (byte* p = path.ToNullTerminated())
        {
            if (MkDir(p, (uint)mode) == 0)
            {
                return true;
            }
        }

        return Marshal.GetLastPInvokeError() == ErrnoExists ? false : throw NewIOException("mkdir", path);
    }

    /// <summary><c>rmdir</c>: true when this call removed the (empty) directory, false when it could not (not empty, not
    /// a directory, a mount point, gone, not allowed).</summary>
    public static bool TryRemoveDirectory(RawPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        fixed (byte* p = path.ToNullTerminated())
        {
            return RmDir(p) == 0;
        }
    }

    /// <summary>True when <paramref name="path"/> is a directory, following symlinks (Python's <c>os.path.isdir</c>).</summary>
    public static bool IsDirectory(RawPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> buffer = stackalloc byte[StatxSize];
        return Statx(path.ToNullTerminated(), 0, buffer) &&
               (BitConverter.ToUInt16(buffer[StatxModeOffset..]) & ModeTypeMask) == ModeDirectory;
    }

    private static bool Statx(byte[] nullTerminatedPath, int flags, Span<byte> buffer)
    {
        fixed (byte* p = nullTerminatedPath)
        fixed (byte* b = buffer)
        {
            return StatxNative(AtFdCwd, p, flags, StatxBasicStats, b) == 0;
        }
    }

    private static IOException NewIOException(string call, RawPath path, int? errno = null)
    {
        var e = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{call}({path}) failed: {Marshal.GetPInvokeErrorMessage(e)} (errno {e})", e);
    }

    [LibraryImport(LibC, EntryPoint = "opendir", SetLastError = true)]
    private static partial nint OpenDir(byte* name);

    [LibraryImport(LibC, EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDir(nint dir);

    [LibraryImport(LibC, EntryPoint = "closedir", SetLastError = true)]
    private static partial int CloseDir(nint dir);

    [LibraryImport(LibC, EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkDir(byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "rmdir", SetLastError = true)]
    private static partial int RmDir(byte* path);

    [LibraryImport(LibC, EntryPoint = "utimensat", SetLastError = true)]
    private static partial int UtimensAt(int dirfd, byte* path, long* times, int flags);

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxNative(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
