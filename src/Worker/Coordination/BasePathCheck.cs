namespace ZkSync.Worker.Coordination;

/// <summary>Whether this process can read or write a base directory, asked the way the work will use it
/// (root without CAP_DAC_OVERRIDE, ACLs, read-only mounts: the mode bits alone do not tell).</summary>
internal static class BasePathCheck
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

    /// <summary>Null when a file can be created in the directory (and is removed again); else the cause,
    /// e.g. "permission denied" or "Read-only file system".</summary>
    public static string? WriteProblem(string directory)
    {
        var probe = Path.Combine(directory, $".zkrsync-write-check-{Environment.ProcessId}");
        try
        {
            using var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
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

    /// <summary>The OS's words without the path .NET appends (" : '/x'").</summary>
    private static string Cause(IOException exception)
    {
        var message = exception.Message;
        var path = message.IndexOf(" : '", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
