using System.Diagnostics;

namespace ZkSync.Worker.IntegrationTests.Local.Support;

/// <summary>
/// A tmpfs mounted on a test directory (the tests run as root, who may mount): a small one to run out of
/// space or inodes, a read-only one for a destination nobody can write, root included (access(2) answers
/// EROFS whoever asks, while permission bits do not stop root). Unmounted on dispose.
/// </summary>
public sealed class Mount : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private Mount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary><c>mount -t tmpfs -o OPTIONS tmpfs PATH</c>; fails the test (never skips it) when that is not allowed.</summary>
    public static Mount Tmpfs(string path, string options)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        return new Mount(path);
    }

    /// <summary><c>mount -o OPTIONS PATH</c> on a mounted path, e.g. <c>remount,ro</c>.</summary>
    public static void Remount(string path, string options) => Run("mount", "-o", options, path);

    public void Dispose() => Run("umount", "-l", Path);

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()} (these tests run as root, as ./test.sh does in CI)");
        }
    }
}
