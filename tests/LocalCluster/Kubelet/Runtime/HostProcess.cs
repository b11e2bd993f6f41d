using System.Diagnostics;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>How the runtime starts its host processes: an argument list, an environment of its own choosing
/// (nothing of the runtime's leaks into a pod), all three standard streams redirected.</summary>
internal static class HostProcess
{
    public static Process Start(string program, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {program}");
    }
}
