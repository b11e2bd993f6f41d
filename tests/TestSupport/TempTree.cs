using System.Runtime.InteropServices;
using System.Text;

namespace ZkSync.Testing;

/// <summary>A temporary directory tree; names may be raw bytes (created through libc).</summary>
public sealed unsafe partial class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("zkrsync-test-").FullName;
    }

    /// <summary>The tree's root (a UTF-8 path).</summary>
    public string Root { get; }

    public byte[] RootBytes => Encoding.UTF8.GetBytes(Root);

    /// <summary>Creates directories (like mkdir -p) for a path relative to the root, given as bytes.</summary>
    public byte[] MakeDirectories(byte[] relative)
    {
        var current = RootBytes;
        foreach (var part in Split(relative))
        {
            current = [.. current, (byte)'/', .. part];
            Mkdir(current);
        }

        return current;
    }

    /// <summary>Creates directories for a UTF-8 relative path.</summary>
    public byte[] MakeDirectories(string relative) => MakeDirectories(Encoding.UTF8.GetBytes(relative));

    /// <summary>Writes a file (relative path as bytes), parents must exist.</summary>
    public byte[] WriteFile(byte[] relative, byte[] content)
    {
        byte[] path = [.. RootBytes, (byte)'/', .. relative];
        byte[] z = [.. path, 0];
        fixed (byte* p = z)
        {
            var fd = Open(p, 0x41 | 0x200, 0x1a4); // O_WRONLY|O_CREAT|O_TRUNC, 0644
            if (fd < 0)
            {
                throw new IOException($"open failed: errno {Marshal.GetLastPInvokeError()}");
            }

            fixed (byte* c = content)
            {
                _ = Write(fd, c, content.Length);
            }

            _ = Close(fd);
        }

        return path;
    }

    public byte[] WriteFile(string relative, string content) =>
        WriteFile(Encoding.UTF8.GetBytes(relative), Encoding.UTF8.GetBytes(content));

    /// <summary>Creates a symlink at <paramref name="relative"/> pointing to <paramref name="target"/>.</summary>
    public void Symlink(string target, string relative) =>
        File.CreateSymbolicLink(Path.Combine(Root, relative), target);

    /// <summary>Changes the owner of a relative path (test runs as root).</summary>
    public void Chown(string relative, int uid) =>
        _ = ChownNative(Encoding.UTF8.GetBytes(Path.Combine(Root, relative) + "\0"), uid, -1);

    /// <summary>Reads a file given by raw absolute path bytes.</summary>
    public static bool Exists(byte[] absolute)
    {
        byte[] z = [.. absolute, 0];
        fixed (byte* p = z)
        {
            return Access(p, 0) == 0;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static List<byte[]> Split(byte[] relative)
    {
        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= relative.Length; i++)
        {
            if (i == relative.Length || relative[i] == (byte)'/')
            {
                if (i > start)
                {
                    parts.Add(relative[start..i]);
                }

                start = i + 1;
            }
        }

        return parts;
    }

    private static void Mkdir(byte[] path)
    {
        byte[] z = [.. path, 0];
        fixed (byte* p = z)
        {
            if (MkdirNative(p, 0x1ed) != 0 && Marshal.GetLastPInvokeError() != 17)
            {
                throw new IOException($"mkdir failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MkdirNative(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true)]
    private static partial int Access(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static partial int ChownNative(byte[] path, int uid, int gid);
}
