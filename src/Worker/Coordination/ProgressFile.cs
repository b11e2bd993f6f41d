using ZkSync.Contracts;

namespace ZkSync.Worker.Coordination;

/// <summary><c>--progress-file</c>: the master's <see cref="SessionProgress"/> (the document it writes to <c>S/progress</c>),
/// replaced atomically (written aside, renamed), so a reader never sees half a report.</summary>
internal static class ProgressFile
{
    public static void Write(string path, SessionProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, progress.ToJsonBytes());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The last report, or null when there is none yet (or it cannot be read).</summary>
    public static SessionProgress? Read(string path)
    {
        try
        {
            return File.Exists(path) ? SessionProgress.FromJson(File.ReadAllBytes(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
