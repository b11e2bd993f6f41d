using System.Runtime.InteropServices;

namespace ZkSync.Worker.Coordination;

/// <summary>Whether this process can read or write a base directory, asked the way the work will use it
/// (root without CAP_DAC_OVERRIDE, ACLs, read-only mounts: the mode bits alone do not tell).</summary>
internal static partial class BasePathCheck
{
    /// <summary>Null when the directory can be listed; else the cause, e.g. "permission denied".</summary>
    public static string? ReadProblem(string directory)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            _ = entries.MoveNext();
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return "permission denied";
        }
        catch (IOException exception)
        {
            return Cause(exception);
        }
    }

    /// <summary>Null when files can be created in the directory; else the cause, e.g. "permission denied" or
    /// "Read-only file system". Asked with faccessat(W_OK|X_OK, AT_EACCESS) rather than by creating a file: a
    /// probe file would change the directory's mtime, which a restarted destination must not do to a copy
    /// already made (and a dry run must not do at all).</summary>
    public static string? WriteProblem(string directory)
    {
        if (FAccessAt(AtFdCwd, directory, WriteOk | ExecuteOk, AtEAccess) == 0)
        {
            return null;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is EAccess or EPerm ? "permission denied" : Marshal.GetPInvokeErrorMessage(errno);
    }

    private const int AtFdCwd = -100;
    private const int AtEAccess = 0x200;
    private const int WriteOk = 2;
    private const int ExecuteOk = 1;
    private const int EPerm = 1;
    private const int EAccess = 13;

    [LibraryImport("libc", EntryPoint = "faccessat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int FAccessAt(int directoryFd, string path, int mode, int flags);

    /// <summary>The OS's words without the path .NET appends (" : '/x'").</summary>
    private static string Cause(IOException exception)
    {
        var message = exception.Message;
        var path = message.IndexOf(" : '", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
