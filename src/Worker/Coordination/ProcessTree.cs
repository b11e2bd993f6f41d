using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Ends a process and its descendants in order: SIGTERM to each (an rsync receiver then removes its temporary file and
/// exits), SIGKILL to whatever still lives after a grace period. A daemon's connection children are signalled
/// directly: they outlive their parent, and SIGKILL would leave their temporary files behind.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    public static async Task TerminateAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        int root;
        try
        {
            root = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        var tree = Descendants(root).Prepend(root).ToList();
        foreach (var pid in tree)
        {
            _ = Kill(pid, SigTerm);
        }

        using var grace = new CancellationTokenSource(Grace);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            while (tree.Skip(1).Any(IsAlive) && !grace.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), grace.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Past the grace period: killed below.
        }

        ProcessRunner.Kill(process);
        foreach (var pid in tree.Skip(1).Where(IsAlive))
        {
            _ = Kill(pid, SigKill);
        }
    }

    /// <summary>Every live descendant of <paramref name="root"/>, from <c>/proc/*/stat</c>'s parent ids.</summary>
    public static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        var found = new List<int>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out var next))
        {
            foreach (var child in children.GetValueOrDefault(next) ?? [])
            {
                found.Add(child);
                pending.Enqueue(child);
            }
        }

        return found;
    }

    private static bool IsAlive(int pid) => Kill(pid, 0) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
