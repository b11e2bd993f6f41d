using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// One container instance as processes: the container helper (<see cref="SandboxScripts.ContainerHelper"/>)
/// started with its spec on stdin, the instance's output cut into its log, its start reported by the helper's
/// <c>started HOSTPID</c> line, its end by the helper's exit status.
/// </summary>
internal sealed class ContainerProcess
{
    /// <summary>How long output may still arrive after the container's first process exited: in a shared PID
    /// namespace a daemon it left may hold the pipes open.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly ContainerLaunchSpec _spec;
    private readonly ContainerLog _log;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource<int?> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _pumpsStop = new();
    private readonly StringBuilder _helperErrors = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ContainerProcess(Process process, ContainerLaunchSpec spec, ContainerLog log, TimeProvider time)
    {
        _process = process;
        _spec = spec;
        _log = log;
        _time = time;
        _stdout = PumpStandardOutputAsync(process.StandardOutput.BaseStream, _pumpsStop.Token);
        _stderr = PumpStandardErrorAsync(process.StandardError.BaseStream, _pumpsStop.Token);
        Exited = WaitAsync();
    }

    /// <summary>The host PID of the container's first process once it runs the program (it leads the container's
    /// process group); null when the instance ended without starting.</summary>
    public Task<int?> Started => _started.Task;

    /// <summary>When the helper reported the start (valid once <see cref="Started"/> has a PID).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public Task<ContainerExit> Exited { get; }

    public static async Task<ContainerProcess> StartAsync(
        string python, string helperPath, ContainerLaunchSpec spec, ContainerLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        // The container's environment travels in the spec, not through the helper's.
        var process = HostProcess.Start(python, ["-I", "-S", helperPath], []);
        var container = new ContainerProcess(process, spec, log, time);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(spec.ToJson(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The helper died before reading its spec; how is in its exit status and stderr (see Exited).
        }
        finally
        {
            process.StandardInput.Close();
        }

        return container;
    }

    /// <summary>
    /// Stops the instance as the kubelet does: SIGTERM to the container's process group, SIGKILL when it has not
    /// ended after <paramref name="gracePeriod"/> (to its first process: its PID namespace, and everything in
    /// it, goes with it; to the group in a shared namespace).
    /// </summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        using var graceEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(gracePeriod, _time, graceEnd.Token);
        await Task.WhenAny(Started, Exited, deadline).ConfigureAwait(false);
        if (Started.IsCompletedSuccessfully && Started.Result is { } pid && !Exited.IsCompleted)
        {
            LinuxNative.SendSignal(-pid, LinuxNative.SigTerm);
            await Task.WhenAny(Exited, deadline).ConfigureAwait(false);
        }

        if (!Exited.IsCompleted)
        {
            Kill();
        }

        await graceEnd.CancelAsync().ConfigureAwait(false); // releases the grace timer
        await Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL, at once.</summary>
    public void Kill()
    {
        if (Exited.IsCompleted)
        {
            return;
        }

        if (Started.IsCompletedSuccessfully && Started.Result is { } pid)
        {
            LinuxNative.SendSignal(_spec.SharePid ? -pid : pid, LinuxNative.SigKill);
        }
        else
        {
            _process.Kill(); // the helper's children follow through their parent-death signal
        }
    }

    private async Task<ContainerExit> WaitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var finishedAt = _time.GetUtcNow();
        var exitCode = _process.ExitCode;
        var pumps = Task.WhenAll(_stdout, _stderr);
        if (await Task.WhenAny(pumps, Task.Delay(OutputDrainTimeout, _time)).ConfigureAwait(false) != pumps)
        {
            await _pumpsStop.CancelAsync().ConfigureAwait(false);
        }

        await pumps.ConfigureAwait(false);
        _started.TrySetResult(null);
        if (Started.Result is not null && finishedAt < StartedAt)
        {
            finishedAt = StartedAt; // a quick exit can be seen before the start line is read
        }

        _log.Complete();
        _process.Dispose();
        _pumpsStop.Dispose();
        var error = File.Exists(_spec.ErrorFile) ? (await File.ReadAllTextAsync(_spec.ErrorFile).ConfigureAwait(false)).Trim() : "";
        if (error.Length == 0 && Started.Result is null)
        {
            error = _helperErrors.Length > 0
                ? _helperErrors.ToString().Trim()
                : string.Create(CultureInfo.InvariantCulture, $"the container helper exited with {exitCode} before starting the container");
        }

        // A container that could not start ends as containerd reports it: exit code 128, reason StartError.
        return error.Length > 0 ? new ContainerExit(128, error, finishedAt) : new ContainerExit(exitCode, null, finishedAt);
    }

    private async Task PumpStandardOutputAsync(Stream stream, CancellationToken cancellationToken)
    {
        var splitter = new LogLineSplitter(_log, "stdout", _time);
        var handshake = new List<byte>();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var data = buffer.AsMemory(0, read);
                if (!_started.Task.IsCompleted)
                {
                    var newline = data.Span.IndexOf((byte)'\n');
                    handshake.AddRange(newline < 0 ? data.Span : data.Span[..newline]);
                    if (newline < 0)
                    {
                        continue;
                    }

                    StartedAt = _time.GetUtcNow();
                    _started.TrySetResult(ParseHandshake(Encoding.ASCII.GetString(handshake.ToArray())));
                    data = data[(newline + 1)..];
                }

                splitter.Write(data.Span);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            splitter.Flush();
            _started.TrySetResult(null);
        }
    }

    private async Task PumpStandardErrorAsync(Stream stream, CancellationToken cancellationToken)
    {
        // Until the helper says the program runs, anything on stderr is the helper's (a Python error).
        var started = await _started.Task.ConfigureAwait(false) is not null;
        var splitter = new LogLineSplitter(_log, "stderr", _time);
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (started)
                {
                    splitter.Write(buffer.AsSpan(0, read));
                }
                else if (_helperErrors.Length < 4096)
                {
                    _helperErrors.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            splitter.Flush();
        }
    }

    private static int? ParseHandshake(string line)
    {
        var parts = line.Split(' ');
        return parts.Length == 2 && parts[0] == "started"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
}
