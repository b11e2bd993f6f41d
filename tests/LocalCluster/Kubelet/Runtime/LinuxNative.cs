using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>The few libc calls .NET has no API for: signals to process groups, chown, realpath, euid.</summary>
internal static class LinuxNative
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to a process (or, negative, a process group); false when it is gone.</summary>
    public static bool SendSignal(int processOrGroup, int signal)
    {
        if (Kill(processOrGroup, signal) == 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == NoSuchProcess ? false : throw new Win32Exception(error, $"kill({processOrGroup}, {signal}) failed");
    }

    /// <summary>Changes the group owning <paramref name="path"/> (not following a final link).</summary>
    public static void ChangeGroup(string path, long gid)
    {
        if (LChown(path, -1, (int)gid) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"cannot change the group of {path} to {gid}");
        }
    }

    /// <summary>rename(2): replaces <paramref name="destination"/> atomically (links are renamed, not followed).</summary>
    public static void Rename(string source, string destination)
    {
        if (RenameNative(source, destination) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"cannot rename {source} to {destination}");
        }
    }

    /// <summary>The canonical path, all links resolved; null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = RealPathNative(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    public static bool IsRoot => GetEffectiveUserId() == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LChown(string path, int owner, int group);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int RenameNative(string source, string destination);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    private static extern IntPtr RealPathNative(string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
