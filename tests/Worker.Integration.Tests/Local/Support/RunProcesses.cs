using System.Globalization;
using System.Text;

namespace ZkSync.Worker.IntegrationTests.Local.Support;

/// <summary>
/// The processes of one <c>zkrsync local</c> run, found the way a leak hunt would: every process whose
/// command line (/proc/PID/cmdline) mentions the run's unique <c>--tmpdir</c>. The launcher, its private
/// ZooKeeper (zoo.cfg lives there), every worker (<c>--tmpdir RUN/tmp</c>) and every rsync (its config
/// or <c>--files-from</c> list lives there) all do, whoever their parent is now.
/// </summary>
public static class RunProcesses
{
    /// <summary>pid and command line (arguments joined by spaces) of every live process mentioning <paramref name="text"/>.</summary>
    public static IReadOnlyList<(int ProcessId, string CommandLine)> Mentioning(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                // A zombie's cmdline is empty: it is gone but for its exit status.
                commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "cmdline"))).Replace('\0', ' ').Trim();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(text, StringComparison.Ordinal))
            {
                found.Add((pid, commandLine));
            }
        }

        return found;
    }

    /// <summary>SIGKILL to every process mentioning <paramref name="text"/> (cleanup after a failed test).</summary>
    public static void KillAll(string text)
    {
        foreach (var (pid, _) in Mentioning(text))
        {
            Sessions.Support.PosixFs.Signal(pid, 9);
        }
    }
}
