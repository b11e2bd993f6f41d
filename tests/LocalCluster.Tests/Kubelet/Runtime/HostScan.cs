using System.Globalization;
using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>What is on the host now: processes by command line, mounts.</summary>
internal static class HostScan
{
    /// <summary>PIDs of the processes whose command line contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> ProcessesWithCommandLineContaining(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "cmdline"))).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // gone while scanning
            }
        }

        return found;
    }

    /// <summary>The mount points of this process's (the host's) mount namespace.</summary>
    public static IReadOnlyList<string> MountPoints() =>
        MountInfoEntry.Parse(File.ReadAllText("/proc/self/mountinfo")).Select(entry => entry.MountPoint).Order(StringComparer.Ordinal).ToList();
}
