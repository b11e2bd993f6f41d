using System.Diagnostics;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// <c>--daemon</c>: the original forks into the background and writes <c>--pidfile</c>. .NET cannot fork,
/// so the process starts itself again, detached (new session, no terminal, output to /dev/null), and
/// exits; the detached copy, told by <see cref="DetachedVariable"/>, writes its pid file and runs.
/// </summary>
internal static class Daemonizer
{
    public const string DetachedVariable = "ZKSYNC_DETACHED";

    public static bool IsDetached => Environment.GetEnvironmentVariable(DetachedVariable) == "1";

    /// <summary>Starts the detached copy with the same arguments; returns its pid.</summary>
    public static int Detach(IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var (program, prefix) = SelfCommand.Get();
        start.ArgumentList.Add(program);
        foreach (var arg in prefix.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[DetachedVariable] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the detached zkrsync");
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
        return process.Id;
    }

    /// <summary>Writes this process's pid to the expanded <c>--pidfile</c> (its directory made private as the original does).</summary>
    public static string WritePidFile(ZkRsyncOptions options)
    {
        var path = PathTemplate.Expand(options.PidFile, options.Session, options.RsType, Environment.ProcessId);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            PrivateFile.EnsureDirectory(directory);
        }

        File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        return path;
    }
}
