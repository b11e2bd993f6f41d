using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Ends a daemon and its descendants: the daemon is frozen (it accepts no connection meanwhile), each descendant gets
/// SIGTERM (an rsync receiver then removes its temporary file), the daemon SIGKILL at once, and whatever still lives
/// after <see cref="Grace"/> SIGKILL. The connection children are signalled directly: they outlive their parent. The
/// daemon itself holds nothing to clean up (every transfer runs in a child). An rsync process sleeps 400 ms on SIGTERM
/// after its cleanup before it exits: waiting for that, for the listener and then for a connection child that was still
/// winding down a finished transfer, was most of a small session's shutdown. What a receiver killed mid-file leaves is in
/// the destination's own temporary directory, removed right after.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigKill = 9;
    /// <summary>Long enough for a receiver to remove its temporary file, not for rsync's 400 ms sleep after it.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(100);

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

        _ = Kill(root, SigStop);
        var children = Descendants(root);
        foreach (var pid in children)
        {
            _ = Kill(pid, SigTerm);
        }

        _ = Kill(root, SigKill);
        using var grace = new CancellationTokenSource(Grace);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            while (children.Any(IsAlive) && !grace.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), grace.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Past the grace period: killed below.
        }

        foreach (var pid in children.Where(IsAlive))
        {
            _ = Kill(pid, SigKill);
        }
    }

    /// <summary>
    /// Every live descendant of <paramref name="root"/>: from each process's <c>/proc/&lt;pid&gt;/task/*/children</c>
    /// (a few files, however many processes the host runs), or where the kernel has no such files, from every process's
    /// <c>/proc/*/stat</c> parent id.
    /// </summary>
    public static List<int> Descendants(int root)
    {
        if (ChildrenOf(root) is not { } first)
        {
            return DescendantsFromEveryProcess(root);
        }

        var found = new List<int>();
        var pending = new Queue<int>(first);
        while (pending.TryDequeue(out var next))
        {
            found.Add(next);
            foreach (var child in ChildrenOf(next) ?? [])
            {
                pending.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>The children of every thread of <paramref name="pid"/> (empty when it is gone); null when the kernel does
    /// not list children (<c>CONFIG_PROC_CHILDREN</c>).</summary>
    private static List<int>? ChildrenOf(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var list = Path.Combine(task, "children");
                if (!File.Exists(list))
                {
                    return Directory.Exists(task) ? null : children;
                }

                foreach (var field in File.ReadAllText(list).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    children.Add(int.Parse(field, NumberStyles.None, CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile.
        }

        return children;
    }

    /// <summary>Every live descendant of <paramref name="root"/>, from <c>/proc/*/stat</c>'s parent ids.</summary>
    private static List<int> DescendantsFromEveryProcess(int root)
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
                var fields = AfterCommand(File.ReadAllText(Path.Combine(directory, "stat"))).Split(' ');
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

    /// <summary>Running, not a zombie: a child that exited after its daemon was killed waits to be reaped by whoever
    /// adopts it, which may take seconds, and it holds no files any more.</summary>
    private static bool IsAlive(int pid)
    {
        if (Kill(pid, 0) != 0)
        {
            return false;
        }

        try
        {
            return AfterCommand(File.ReadAllText($"/proc/{pid}/stat")) is not ['Z', ..] and not ['X', ..];
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The fields of a <c>/proc/&lt;pid&gt;/stat</c> line from the state on ("pid (comm) state ppid ..."): comm
    /// may hold spaces and parentheses, so they start after the last ')'.</summary>
    internal static string AfterCommand(string stat) => stat[(stat.LastIndexOf(')') + 2)..];

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
