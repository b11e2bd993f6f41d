using System.Globalization;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime.Probes;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// One container of a pod through its instances: checks its configuration, starts each instance, runs its
/// probes, records how it ended, restarts it under the restart policy with the crash-loop back-off, and keeps
/// its status as the kubelet reports it.
/// </summary>
internal sealed class ContainerSupervisor : IProbeOwner
{
    private const string ContainerIdScheme = "process://";
    private readonly PodSandbox _pod;
    private readonly ContainerSpec _spec;
    private readonly string _fieldPath;
    private readonly RestartBackOff _backOff;
    private readonly Lock _gate = new();
    private ContainerStateSnapshot _state;
    private ContainerStateSnapshot? _lastTerminated;
    private ContainerStateSnapshot? _previousTerminated;
    private string? _containerId;
    private int _instances;
    private bool _ready;
    private bool _started;
    private ContainerProcess? _process;
    private List<ProbeWorker> _probes = [];
    private bool _stopping;
    private TimeSpan _stopGracePeriod;

    public ContainerSupervisor(PodSandbox pod, ContainerSpec spec, bool isInit, string initialReason)
    {
        _pod = pod;
        _spec = spec;
        _fieldPath = isInit ? $"spec.initContainers{{{spec.Name}}}" : $"spec.containers{{{spec.Name}}}";
        _backOff = new RestartBackOff(pod.Context.Options.InitialBackOff, pod.Context.Options.MaxBackOff);
        _state = ContainerStateSnapshot.Waiting(initialReason);
    }

    public string Name => _spec.Name;

    private string LogDirectory => Path.Combine(_pod.Directory, "logs", _spec.Name);

    private string ScratchDirectory => Path.Combine(_pod.Directory, "containers", _spec.Name);

    public V1ContainerStatus ToStatus()
    {
        lock (_gate)
        {
            var last = _state.IsTerminated ? _previousTerminated : _lastTerminated;
            return new V1ContainerStatus
            {
                Name = _spec.Name,
                Image = _spec.Image,
                ImageID = _spec.ImageId,
                ContainerID = _state.Kind == "waiting" ? null : _containerId,
                State = _state.ToV1(),
                LastState = last?.ToV1() ?? new V1ContainerState(),
                Ready = _ready,
                Started = _started,
                RestartCount = Math.Max(0, _instances - 1),
            };
        }
    }

    /// <summary>The log of the current (or last) instance, or of the one before it.</summary>
    public ContainerLog? GetLog(bool previous)
    {
        int instances;
        lock (_gate)
        {
            instances = _instances;
        }

        var index = instances - (previous ? 2 : 1);
        if (index < 0)
        {
            return null;
        }

        var path = Path.Combine(LogDirectory, index.ToString(CultureInfo.InvariantCulture) + ".log");
        return _pod.OpenLog(path);
    }

    public void SetWaiting(string reason)
    {
        lock (_gate)
        {
            _state = ContainerStateSnapshot.Waiting(reason);
        }

        _pod.NotifyStatusChanged();
    }

    /// <summary>Runs instances until the container ends for good or <paramref name="stopping"/> fires; returns
    /// whether the last instance succeeded.</summary>
    public async Task<bool> RunAsync(PodRestartPolicy policy, CancellationToken stopping)
    {
        var time = _pod.Context.Time;
        while (!stopping.IsCancellationRequested)
        {
            ContainerStateSnapshot? last;
            lock (_gate)
            {
                last = _lastTerminated;
            }

            if (last?.FinishedAt is { } finishedAt)
            {
                var remaining = _backOff.Remaining(finishedAt, time.GetUtcNow());
                if (remaining > TimeSpan.Zero)
                {
                    SetState(ContainerStateSnapshot.Waiting("CrashLoopBackOff",
                        $"back-off {GoDuration.Format(_backOff.CurrentDelay)} restarting failed container={Name} pod={_pod.Spec.Format()}"));
                    _pod.PostEvent(PodSandboxEvent.Warning, "BackOff", $"Back-off restarting failed container {Name} in pod {_pod.Spec.Format()}", _fieldPath);
                    try
                    {
                        await Task.Delay(remaining, time, stopping).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return false;
                    }
                }

                _backOff.Next(finishedAt);
            }

            var exitCode = await RunInstanceAsync(stopping).ConfigureAwait(false);
            if (exitCode is not { } code)
            {
                return false;
            }

            var restart = policy switch
            {
                PodRestartPolicy.Always => true,
                PodRestartPolicy.OnFailure => code != 0,
                _ => false,
            };
            if (!restart || stopping.IsCancellationRequested)
            {
                return code == 0;
            }
        }

        return false;
    }

    /// <summary>Stops the running instance (SIGTERM, SIGKILL after <paramref name="gracePeriod"/>); no instance
    /// starts after this.</summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        ContainerProcess? process;
        lock (_gate)
        {
            _stopping = true;
            _stopGracePeriod = gracePeriod;
            process = _process;
        }

        if (process is not null && !process.Exited.IsCompleted)
        {
            _pod.PostEvent(PodSandboxEvent.Normal, "Killing", $"Stopping container {Name}", _fieldPath);
            await process.StopAsync(gracePeriod, cancellationToken).ConfigureAwait(false);
        }
    }

    bool IProbeOwner.ShouldProbe(ProbeKind kind)
    {
        lock (_gate)
        {
            return kind == ProbeKind.Startup ? !_started : _started;
        }
    }

    void IProbeOwner.OnAttempt(ProbeKind kind, ProbeOutcome outcome)
    {
        if (!outcome.Success)
        {
            RuntimeLog.ProbeFailed(_pod.Context.Logger, kind, _pod.Spec.Format(), Name, outcome.Message);
            _pod.PostEvent(PodSandboxEvent.Warning, "Unhealthy", $"{kind} probe failed: {outcome.Message}", _fieldPath);
        }
    }

    void IProbeOwner.OnResult(ProbeKind kind, ProbeOutcome outcome)
    {
        ContainerProcess? process;
        List<ProbeWorker> probes;
        int restartCount;
        lock (_gate)
        {
            process = _process;
            probes = _probes;
            restartCount = Math.Max(0, _instances - 1);
            if (kind == ProbeKind.Readiness)
            {
                _ready = outcome.Success && _started;
            }
            else if (kind == ProbeKind.Startup && outcome.Success)
            {
                _started = true;
                _ready = _spec.ReadinessProbe is null;
            }
        }

        _pod.PostProbeResult(new ProbeResultReport(Name, restartCount, kind, outcome.Success, outcome.Message, _pod.Context.Time.GetUtcNow()));
        _pod.NotifyStatusChanged();
        if (kind == ProbeKind.Startup && outcome.Success)
        {
            probes.FirstOrDefault(probe => probe.Kind == ProbeKind.Readiness)?.Trigger();
        }

        if (!outcome.Success && kind != ProbeKind.Readiness && process is not null)
        {
            var probe = kind == ProbeKind.Liveness ? _spec.LivenessProbe : _spec.StartupProbe;
            var gracePeriod = probe?.TerminationGracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : _pod.Spec.TerminationGracePeriod;
            _pod.PostEvent(PodSandboxEvent.Normal, "Killing",
                $"Container {Name} failed {kind.ToString().ToLowerInvariant()} probe, will be restarted", _fieldPath);
            _ = StopInBackgroundAsync(process, gracePeriod);
        }
    }

    /// <summary>One instance, from configuration to its end; its exit code, or null when the pod stopped before it
    /// could start.</summary>
    private async Task<int?> RunInstanceAsync(CancellationToken stopping)
    {
        var time = _pod.Context.Time;
        var prepared = _pod.PrepareLaunch(_spec);
        if (prepared.ConfigurationError is { } configurationError)
        {
            // The kubelet retries every sync; a resolved spec will not change, so wait for the pod to stop.
            SetState(ContainerStateSnapshot.Waiting(RunAsNonRootPolicy.Reason, configurationError));
            _pod.PostEvent(PodSandboxEvent.Warning, "Failed", "Error: " + configurationError, _fieldPath);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return null;
        }

        int index;
        var containerId = ContainerIdScheme + Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            if (_stopping)
            {
                return null;
            }

            index = _instances++;
            _containerId = containerId;
        }

        var log = StartLog(index);
        if (prepared.Executable is null)
        {
            var message = $"exec: \"{_spec.Argv[0]}\": executable file not found in $PATH";
            log.Complete();
            Terminated(ContainerStateSnapshot.Terminated(128, "StartError", message, null, time.GetUtcNow(), containerId));
            _pod.PostEvent(PodSandboxEvent.Warning, "Failed", "Error: " + message, _fieldPath);
            RuntimeLog.ContainerNotStarted(_pod.Context.Logger, _pod.Spec.Format(), Name, message);
            return 128;
        }

        var instanceName = index.ToString(CultureInfo.InvariantCulture);
        Directory.CreateDirectory(ScratchDirectory);
        var terminationLog = Path.Combine(ScratchDirectory, instanceName + ".termination-log");
        var stage = Path.Combine(ScratchDirectory, instanceName + ".root");
        var errorFile = Path.Combine(ScratchDirectory, instanceName + ".error");
        var launch = _pod.BuildLaunchSpec(_spec, prepared, stage, errorFile, terminationLog);
        Directory.CreateDirectory(stage);
        await File.WriteAllBytesAsync(terminationLog, [], CancellationToken.None).ConfigureAwait(false);
        File.SetUnixFileMode(terminationLog, (UnixFileMode)0b110_110_110); // 0666: any user the container runs as writes it
        _pod.PostEvent(PodSandboxEvent.Normal, "Created", $"Created container: {Name}", _fieldPath);
        var process = await ContainerProcess.StartAsync(_pod.Context.Tools.Python, _pod.Context.HelperPath, launch, log, time, CancellationToken.None)
            .ConfigureAwait(false);
        bool stopNow;
        TimeSpan stopGracePeriod;
        lock (_gate)
        {
            _process = process;
            stopNow = _stopping;
            stopGracePeriod = _stopGracePeriod;
        }

        if (stopNow)
        {
            _ = StopInBackgroundAsync(process, stopGracePeriod);
        }

        using var probesStop = new CancellationTokenSource();
        var probeTasks = new List<Task>();
        if (await process.Started.ConfigureAwait(false) is { } pid)
        {
            var startedAt = process.StartedAt;
            var probes = CreateProbes(prepared, pid);
            lock (_gate)
            {
                _state = ContainerStateSnapshot.Running(startedAt, containerId);
                _started = _spec.StartupProbe is null;
                _ready = _started && _spec.ReadinessProbe is null;
                _probes = probes;
            }

            _pod.NotifyStatusChanged();
            _pod.PostEvent(PodSandboxEvent.Normal, "Started", $"Started container {Name}", _fieldPath);
            RuntimeLog.ContainerStarted(_pod.Context.Logger, _pod.Spec.Format(), Name, index, pid);
            probeTasks.AddRange(probes.Select(probe => RunProbeAsync(probe, startedAt, probesStop.Token)));
        }

        var exit = await process.Exited.ConfigureAwait(false);
        await probesStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(probeTasks).ConfigureAwait(false);
        ContainerStateSnapshot? running;
        lock (_gate)
        {
            running = _state.Kind == "running" ? _state : null;
        }

        ContainerStateSnapshot terminated;
        if (exit.StartError is { } startError)
        {
            terminated = ContainerStateSnapshot.Terminated(exit.ExitCode, "StartError", startError, null, exit.FinishedAt, containerId);
            _pod.PostEvent(PodSandboxEvent.Warning, "Failed", "Error: " + startError, _fieldPath);
            RuntimeLog.ContainerNotStarted(_pod.Context.Logger, _pod.Spec.Format(), Name, startError);
        }
        else
        {
            var message = await TerminationMessage.ReadAsync(
                _spec.TerminationMessagePath.Length > 0 ? terminationLog : null, _spec.TerminationMessagePolicy, exit.ExitCode, log,
                CancellationToken.None).ConfigureAwait(false);
            var reason = exit.ExitCode == 0 ? "Completed" : "Error";
            terminated = ContainerStateSnapshot.Terminated(exit.ExitCode, reason, message, running?.StartedAt, exit.FinishedAt, containerId);
            RuntimeLog.ContainerExited(_pod.Context.Logger, _pod.Spec.Format(), Name, exit.ExitCode, reason);
        }

        Terminated(terminated);
        DeleteQuietly(stage, terminationLog, errorFile);
        return exit.ExitCode;
    }

    /// <summary>Stops an instance without the caller waiting; the instance's end is seen by its run loop.</summary>
    private async Task StopInBackgroundAsync(ContainerProcess process, TimeSpan gracePeriod)
    {
        try
        {
            await process.StopAsync(gracePeriod, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // logged: the run loop still sees the instance end, killed or not
        catch (Exception e)
#pragma warning restore CA1031
        {
            RuntimeLog.StopFailed(_pod.Context.Logger, _pod.Spec.Format(), Name, e);
        }
    }

    private List<ProbeWorker> CreateProbes(PreparedLaunch prepared, int pid)
    {
        var target = new Probes.ProbeTarget(_pod.Spec.PodIP, _spec.Ports, pid, prepared.Identity!, prepared.NoNewPrivileges,
            prepared.Environment, _spec.ImageDirectory, _spec.ImageConfig, prepared.WorkingDir);
        var probes = new List<ProbeWorker>();
        foreach (var (kind, probe) in new[]
                 {
                     (ProbeKind.Startup, _spec.StartupProbe), (ProbeKind.Readiness, _spec.ReadinessProbe), (ProbeKind.Liveness, _spec.LivenessProbe),
                 })
        {
            if (probe is not null)
            {
                probes.Add(new ProbeWorker(kind, probe, _pod.Context.Prober, target, this, _pod.Context.Time));
            }
        }

        return probes;
    }

    private static async Task RunProbeAsync(ProbeWorker probe, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        try
        {
            await probe.RunAsync(startedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private ContainerLog StartLog(int index)
    {
        Directory.CreateDirectory(LogDirectory);
        // The kubelet keeps the current and the previous instance's log (kubectl logs --previous).
        var older = Path.Combine(LogDirectory, (index - 2).ToString(CultureInfo.InvariantCulture) + ".log");
        _pod.ForgetLog(older);
        DeleteQuietly(older);
        return _pod.CreateLog(Path.Combine(LogDirectory, index.ToString(CultureInfo.InvariantCulture) + ".log"));
    }

    private void Terminated(ContainerStateSnapshot terminated)
    {
        lock (_gate)
        {
            _previousTerminated = _lastTerminated;
            _lastTerminated = terminated;
            _state = terminated;
            _ready = false;
            _started = false;
            _process = null;
            _probes = [];
        }

        _pod.NotifyStatusChanged();
    }

    private void SetState(ContainerStateSnapshot state)
    {
        lock (_gate)
        {
            _state = state;
        }

        _pod.NotifyStatusChanged();
    }

    private void DeleteQuietly(params string[] paths)
    {
        foreach (var path in paths)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
            catch (IOException e)
            {
                RuntimeLog.RemoveFailed(_pod.Context.Logger, path, e);
            }
        }
    }
}
