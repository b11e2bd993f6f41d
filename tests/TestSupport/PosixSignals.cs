using System.ComponentModel;
using System.Runtime.InteropServices;

namespace ZkSync.Testing;

/// <summary>
/// Sends SIGTERM, which .NET's <see cref="System.Diagnostics.Process"/> cannot do (Kill is SIGKILL).
/// </summary>
internal static class PosixSignals
{
    private const int SigTerm = 15;
    private const int NoSuchProcess = 3; // ESRCH

    public static void Terminate(int processId)
    {
        if (SendSignal(processId, SigTerm) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != NoSuchProcess)
            {
                throw new Win32Exception(error, $"kill({processId}, SIGTERM) failed");
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
