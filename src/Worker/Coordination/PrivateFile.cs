namespace ZkSync.Worker.Coordination;

/// <summary>Temp files only this user can read (rsyncd configs, secrets, files-from lists), in <c>--tmpdir</c>.</summary>
internal static class PrivateFile
{
    public static string Write(string directory, string prefix, string content) =>
        Write(directory, prefix, System.Text.Encoding.UTF8.GetBytes(content));

    public static string Write(string directory, string prefix, ReadOnlySpan<byte> content)
    {
        EnsureDirectory(directory);
        var path = Path.Combine(directory, $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(content);
        return path;
    }

    /// <summary>Creates <paramref name="directory"/> (mode 0700, as the original's /tmp/zkrsync) when missing.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
