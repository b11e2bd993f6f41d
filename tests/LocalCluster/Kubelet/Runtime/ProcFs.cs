using System.Globalization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What the runtime reads from /proc about processes.</summary>
internal static class ProcFs
{
    /// <summary>When the process started (clock ticks since boot, /proc/PID/stat field 22), or null when it is
    /// gone: with the PID it identifies a process even after PIDs wrap.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture); // field 22, counted from field 3
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
