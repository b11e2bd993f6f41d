using System.Diagnostics;
using System.Globalization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A pod's first process (its "pause"): PID 1 of the pod's PID namespace, holding the pod's UTS (hostname) and
/// IPC namespaces, which the containers enter. Killing it kills every process of the pod, since the kernel
/// kills a PID namespace's processes when its first process dies.
/// </summary>
internal sealed class PodInitProcess
{
    private const string PidFileName = "sandbox.pid";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    private PodInitProcess(Process process, int pid)
    {
        _process = process;
        Pid = pid;
    }

    /// <summary>Host PID of the pod's first process.</summary>
    public int Pid { get; }

    public static async Task<PodInitProcess> StartAsync(
        RuntimeTools tools, string hostname, string podDirectory, TimeProvider time, CancellationToken cancellationToken)
    {
        // setsid: a session of its own, so a terminal's signals to the cluster do not reach the pod.
        var process = HostProcess.Start(tools.Setsid,
            [
                "--", tools.Unshare, "--pid", "--fork", "--uts", "--ipc", "--kill-child", "--",
                "/bin/sh", "-c", SandboxScripts.PodInit, "pod-init", hostname, podDirectory,
            ],
            [new("PATH", ExecutableLookup.DefaultSearchPath)]);
        process.StandardInput.Close();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = process.StandardOutput.ReadLineAsync(stopReading.Token).AsTask();
        string? line = null;
        if (await Task.WhenAny(reading, Task.Delay(StartTimeout, time, cancellationToken)).ConfigureAwait(false) == reading)
        {
            line = await reading.ConfigureAwait(false);
        }
        else
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
        }

        var parts = line?.Split(' ');
        if (parts is not ["ready", var text] || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var error = (await process.StandardError.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false)).Trim();
            process.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException(
                $"cannot start the pod's sandbox process (unshare --pid --uts --ipc): {(error.Length > 0 ? error : "no reply")}");
        }

        var init = new PodInitProcess(process, pid);
        await File.WriteAllTextAsync(Path.Combine(podDirectory, PidFileName),
            string.Create(CultureInfo.InvariantCulture, $"{pid} {ProcFs.StartTime(pid)}"), cancellationToken).ConfigureAwait(false);
        return init;
    }

    /// <summary>Kills the pod's first process, and with it every process of the pod, and waits for it.</summary>
    public async Task KillAsync()
    {
        LinuxNative.SendSignal(Pid, LinuxNative.SigKill);
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>Kills the sandbox process a crashed earlier runtime left in <paramref name="podDirectory"/>;
    /// returns its PID, or null when there was none (or it is gone).</summary>
    public static int? KillLeftOver(string podDirectory)
    {
        var path = Path.Combine(podDirectory, PidFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime)
            || ProcFs.StartTime(pid) != startTime)
        {
            return null;
        }

        return LinuxNative.SendSignal(pid, LinuxNative.SigKill) ? pid : null;
    }
}
