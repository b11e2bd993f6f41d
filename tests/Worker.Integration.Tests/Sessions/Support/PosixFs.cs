using System.Runtime.InteropServices;
using System.Text;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// The libc calls the session harness needs, with raw byte paths (names that are not UTF-8 cannot
/// travel in a .NET string) and without following symlinks. Written apart from the worker's own
/// <c>NativeFileSystem</c> on purpose: the harness must not share the code it checks.
/// </summary>
internal static unsafe partial class PosixFs
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    private const string LibC = "libc";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const int ENOENT = 2;
    private const int EEXIST = 17;

    // glibc struct dirent on 64-bit Linux: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int DirentNameOffset = 19;

    /// <summary>mkdir; an existing directory is fine when <paramref name="existingOk"/>.</summary>
    public static void MakeDirectory(byte[] path, int mode, bool existingOk = true)
    {
        fixed (byte* p = Z(path))
        {
            if (MkdirNative(p, mode) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (!(existingOk && errno == EEXIST))
                {
                    throw Error("mkdir", path, errno);
                }
            }
        }
    }

    /// <summary>Creates or truncates a regular file and writes <paramref name="content"/>.</summary>
    public static void WriteFile(byte[] path, ReadOnlySpan<byte> content, int mode)
    {
        fixed (byte* p = Z(path))
        {
            var fd = Open(p, 0x41 | 0x200 | 0x80000, mode); // O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC
            if (fd < 0)
            {
                throw Error("open", path);
            }

            try
            {
                fixed (byte* c = content)
                {
                    var done = 0;
                    while (done < content.Length)
                    {
                        var n = Write(fd, c + done, content.Length - done);
                        if (n <= 0)
                        {
                            throw Error("write", path);
                        }

                        done += (int)n;
                    }
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }

    /// <summary>The whole content of a regular file.</summary>
    public static byte[] ReadFile(byte[] path)
    {
        fixed (byte* p = Z(path))
        {
            var fd = Open(p, 0x80000, 0); // O_RDONLY|O_CLOEXEC
            if (fd < 0)
            {
                throw Error("open", path);
            }

            try
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[64 * 1024];
                fixed (byte* c = chunk)
                {
                    while (true)
                    {
                        var n = Read(fd, c, chunk.Length);
                        if (n < 0)
                        {
                            throw Error("read", path);
                        }

                        if (n == 0)
                        {
                            return buffer.ToArray();
                        }

                        buffer.Write(chunk, 0, (int)n);
                    }
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }
    }

    public static void Symlink(byte[] target, byte[] path)
    {
        fixed (byte* t = Z(target))
        fixed (byte* p = Z(path))
        {
            if (SymlinkNative(t, p) != 0)
            {
                throw Error("symlink", path);
            }
        }
    }

    public static void HardLink(byte[] existing, byte[] path)
    {
        fixed (byte* e = Z(existing))
        fixed (byte* p = Z(path))
        {
            if (LinkNative(e, p) != 0)
            {
                throw Error("link", path);
            }
        }
    }

    public static void MakeFifo(byte[] path, int mode)
    {
        fixed (byte* p = Z(path))
        {
            if (MkfifoNative(p, mode) != 0)
            {
                throw Error("mkfifo", path);
            }
        }
    }

    /// <summary>chmod (not for symlinks: Linux has no lchmod).</summary>
    public static void ChangeMode(byte[] path, int mode)
    {
        fixed (byte* p = Z(path))
        {
            if (ChmodNative(p, mode) != 0)
            {
                throw Error("chmod", path);
            }
        }
    }

    /// <summary>lchown: changes the owner of the entry itself, symlinks included.</summary>
    public static void ChangeOwner(byte[] path, int uid, int gid)
    {
        fixed (byte* p = Z(path))
        {
            if (LchownNative(p, uid, gid) != 0)
            {
                throw Error("lchown", path);
            }
        }
    }

    /// <summary>Sets access and modification time (whole seconds) without following a symlink.</summary>
    public static void SetTimes(byte[] path, long unixSeconds)
    {
        var times = stackalloc long[4] { unixSeconds, 0, unixSeconds, 0 };
        fixed (byte* p = Z(path))
        {
            if (UtimensatNative(AtFdCwd, p, times, AtSymlinkNoFollow) != 0)
            {
                throw Error("utimensat", path);
            }
        }
    }

    /// <summary>unlink (files, symlinks, FIFOs).</summary>
    public static void Unlink(byte[] path)
    {
        fixed (byte* p = Z(path))
        {
            if (UnlinkNative(p) != 0)
            {
                throw Error("unlink", path);
            }
        }
    }

    /// <summary>rm -rf with raw names (.NET cannot delete names that are not UTF-8); a missing path is fine.</summary>
    public static void RemoveTree(byte[] path)
    {
        var stat = LStat(path);
        if (stat is null)
        {
            return;
        }

        if (stat.Value.IsDirectory)
        {
            foreach (var name in ListDirectory(path))
            {
                RemoveTree([.. path, (byte)'/', .. name]);
            }

            fixed (byte* p = Z(path))
            {
                if (RmdirNative(p) != 0)
                {
                    throw Error("rmdir", path);
                }
            }

            return;
        }

        Unlink(path);
    }

    /// <summary>lstat through statx; null when the path does not exist.</summary>
    public static RawStat? LStat(byte[] path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        fixed (byte* p = Z(path))
        fixed (byte* b = buffer)
        {
            if (StatxNative(AtFdCwd, p, AtSymlinkNoFollow, StatxBasicStats, b) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == ENOENT ? null : throw Error("statx", path, errno);
            }
        }

        // struct statx: nlink @16, uid @20, gid @24, mode @28 (u16), ino @32, size @40,
        // mtime.tv_sec @112, dev_major @136, dev_minor @140.
        return new RawStat(
            Mode: BitConverter.ToUInt16(buffer[28..]),
            Uid: BitConverter.ToUInt32(buffer[20..]),
            Gid: BitConverter.ToUInt32(buffer[24..]),
            Size: BitConverter.ToInt64(buffer[40..]),
            MtimeSeconds: BitConverter.ToInt64(buffer[112..]),
            Inode: BitConverter.ToUInt64(buffer[32..]),
            Device: ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]),
            Links: BitConverter.ToUInt32(buffer[16..]));
    }

    /// <summary>The raw target of a symlink.</summary>
    public static byte[] ReadLink(byte[] path)
    {
        var buffer = new byte[4096];
        fixed (byte* p = Z(path))
        fixed (byte* b = buffer)
        {
            var n = ReadlinkNative(p, b, buffer.Length);
            if (n < 0)
            {
                throw Error("readlink", path);
            }

            return buffer[..(int)n];
        }
    }

    /// <summary>Names in a directory (without . and ..), as raw bytes.</summary>
    public static List<byte[]> ListDirectory(byte[] path)
    {
        var names = new List<byte[]>();
        nint dir;
        fixed (byte* p = Z(path))
        {
            dir = OpenDir(p);
        }

        if (dir == 0)
        {
            throw Error("opendir", path);
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
                    return errno == 0 ? names : throw Error("readdir", path, errno);
                }

                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + DirentNameOffset);
                if (!name.SequenceEqual("."u8) && !name.SequenceEqual(".."u8))
                {
                    names.Add(name.ToArray());
                }
            }
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    /// <summary>kill(2); false when the process does not exist (any more).</summary>
    public static bool Signal(int processId, int signal) => KillNative(processId, signal) == 0;

    /// <summary>A raw path for messages: printable ASCII as is, every other byte as \xNN.</summary>
    public static string Display(ReadOnlySpan<byte> path)
    {
        var text = new StringBuilder(path.Length);
        foreach (var b in path)
        {
            if (b is >= 0x20 and < 0x7f and not (byte)'\\')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:X2}");
            }
        }

        return text.ToString();
    }

    private static byte[] Z(byte[] path) => [.. path, 0];

    private static IOException Error(string call, byte[] path, int? errno = null)
    {
        var e = errno ?? Marshal.GetLastPInvokeError();
        return new IOException($"{call}({Display(path)}) failed: {Marshal.GetPInvokeErrorMessage(e)} (errno {e})", e);
    }

    [LibraryImport(LibC, EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkdirNative(byte* path, int mode);

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(LibC, EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport(LibC, EntryPoint = "symlink", SetLastError = true)]
    private static partial int SymlinkNative(byte* target, byte* path);

    [LibraryImport(LibC, EntryPoint = "link", SetLastError = true)]
    private static partial int LinkNative(byte* existing, byte* path);

    [LibraryImport(LibC, EntryPoint = "mkfifo", SetLastError = true)]
    private static partial int MkfifoNative(byte* path, int mode);

    [LibraryImport(LibC, EntryPoint = "chmod", SetLastError = true)]
    private static partial int ChmodNative(byte* path, int mode);

    [LibraryImport(LibC, EntryPoint = "lchown", SetLastError = true)]
    private static partial int LchownNative(byte* path, int uid, int gid);

    [LibraryImport(LibC, EntryPoint = "utimensat", SetLastError = true)]
    private static partial int UtimensatNative(int dirfd, byte* path, long* times, int flags);

    [LibraryImport(LibC, EntryPoint = "unlink", SetLastError = true)]
    private static partial int UnlinkNative(byte* path);

    [LibraryImport(LibC, EntryPoint = "rmdir", SetLastError = true)]
    private static partial int RmdirNative(byte* path);

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true)]
    private static partial int StatxNative(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(LibC, EntryPoint = "readlink", SetLastError = true)]
    private static partial nint ReadlinkNative(byte* path, byte* buffer, nint size);

    [LibraryImport(LibC, EntryPoint = "opendir", SetLastError = true)]
    private static partial nint OpenDir(byte* name);

    [LibraryImport(LibC, EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDir(nint dir);

    [LibraryImport(LibC, EntryPoint = "closedir", SetLastError = true)]
    private static partial int CloseDir(nint dir);

    [LibraryImport(LibC, EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
