using System.Collections.Concurrent;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// One pod as local processes: its first process holds the pod's PID, UTS (hostname) and IPC namespaces; each
/// container runs in a PID namespace of its own below the pod's (or in the pod's with
/// <see cref="PodSandboxSpec.ShareProcessNamespace"/>) and a mount namespace of its own, where its root is a
/// copy-on-write view of the host's, its volumes are bound at their mount paths, and /etc/hosts and
/// /etc/hostname are the pod's. Init containers run one after the other to success, then the containers run,
/// restarted under the restart policy. Stopping sends SIGTERM to each container's process group and SIGKILL
/// after the grace period, then kills the pod's first process: the kernel kills whatever else the pod started,
/// daemons included. Nothing is mounted outside the containers' own mount namespaces; the pod's files (volumes
/// it owns, logs, scratch space) live in its directory under the runtime's until <see cref="RemoveAsync"/>.
/// <para>
/// Not modelled: the pod's network namespace (pods share the host's; see <see cref="PodSandboxSpec.PodIP"/>), a
/// /dev/shm shared by the pod's containers (each container has its own), cgroups (no resource limits, no
/// OOMKilled), lifecycle hooks, ephemeral containers, sidecars (init containers with <c>restartPolicy: Always</c>).
/// </para>
/// </summary>
public sealed class PodSandbox : IAsyncDisposable
{
    private const string HostsFileName = "etc-hosts";
    private const string HostnameFileName = "etc-hostname";
    private readonly ListenerDispatcher _listener;
    private readonly Action<PodSandbox> _removed;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ContainerSupervisor> _initContainers = [];
    private readonly List<ContainerSupervisor> _containers = [];
    private readonly Dictionary<string, SandboxVolume> _volumes;
    private readonly ConcurrentDictionary<string, ContainerLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lock _notifyGate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<HostEntry> _nameEntries;
    private IReadOnlyList<HostMountLayer> _hostLayers = [];
    private UserDatabase _users = new("", "");
    private PodInitProcess? _podInit;
    private Task? _podInitKill;
    private Task _run = Task.CompletedTask;
    private Task? _stop;
    private Task? _remove;
    private PodSandboxState _state = PodSandboxState.Running;

    private PodSandbox(RuntimeContext context, PodSandboxSpec spec, IPodSandboxListener? listener, Action<PodSandbox> removed)
    {
        Context = context;
        Spec = spec;
        Directory = Path.Combine(context.PodsDirectory, $"{spec.Namespace}_{spec.Name}_{spec.Uid}");
        _listener = new ListenerDispatcher(listener, context.Logger);
        _removed = removed;
        _nameEntries = spec.NameEntries;
        _volumes = spec.Volumes.ToDictionary(volume => volume.Name, StringComparer.Ordinal);
        var initialReason = spec.InitContainers.Count > 0 ? "PodInitializing" : "ContainerCreating";
        _initContainers.AddRange(spec.InitContainers.Select(container => new ContainerSupervisor(this, container, isInit: true, "PodInitializing")));
        _containers.AddRange(spec.Containers.Select(container => new ContainerSupervisor(this, container, isInit: false, initialReason)));
    }

    public PodSandboxSpec Spec { get; }

    /// <summary>The pod's directory under the runtime's: volumes it owns, logs, scratch space.</summary>
    public string Directory { get; }

    /// <summary>Completes when the pod has ended: every container ended for good, or it was stopped.</summary>
    public Task Completion => _completion.Task;

    internal RuntimeContext Context { get; }

    /// <summary>The containers' statuses as the kubelet reports them.</summary>
    public PodSandboxStatus GetStatus()
    {
        PodSandboxState state;
        lock (_gate)
        {
            state = _state;
        }

        return new PodSandboxStatus(state, _initContainers.Select(c => c.ToStatus()).ToList(), _containers.Select(c => c.ToStatus()).ToList());
    }

    /// <summary>A container's log (of its current or last instance, or with <paramref name="previous"/> of the one
    /// before), for <c>kubectl logs</c>; null when there is none.</summary>
    public ContainerLog? GetLog(string containerName, bool previous = false) =>
        _initContainers.Concat(_containers).FirstOrDefault(c => c.Name == containerName)?.GetLog(previous);

    /// <summary>Replaces the names the local kubelet resolves through the pod's /etc/hosts (Services, headless pod
    /// names); the file is rewritten in place, so running containers see the change.</summary>
    public async Task UpdateNameEntriesAsync(IReadOnlyList<HostEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            _nameEntries = entries;
        }

        await WriteHostsFileAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the files of a <see cref="ProjectedFilesVolume"/> atomically (a Secret or ConfigMap
    /// changed, a token rotated); containers see the new set through their mounts (not through a subPath).</summary>
    public Task UpdateFilesAsync(string volumeName, IReadOnlyList<ProjectedFile> files, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_volumes.TryGetValue(volumeName, out var volume) || volume is not ProjectedFilesVolume projected)
        {
            throw new ArgumentException($"pod {Spec.Format()} has no projected files volume {volumeName}");
        }

        AtomicFileWriter.Write(VolumeDirectory(volumeName), files, projected.DefaultMode, Spec.SecurityContext?.FsGroup, Context.Time.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the pod: no container starts or restarts any more; each running one gets SIGTERM to its process group
    /// and SIGKILL after <paramref name="gracePeriod"/> (the pod's own when null); then the pod's first process
    /// is killed, and with it anything the containers left. Idempotent.
    /// </summary>
    public Task StopAsync(TimeSpan? gracePeriod, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stop ??= StopCoreAsync(gracePeriod ?? Spec.TerminationGracePeriod, cancellationToken);
            return _stop;
        }
    }

    /// <summary>Stops the pod at once if it runs (no grace period) and removes its files, logs included.</summary>
    public Task RemoveAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _remove ??= RemoveCoreAsync(cancellationToken);
            return _remove;
        }
    }

    public async ValueTask DisposeAsync() => await RemoveAsync(CancellationToken.None).ConfigureAwait(false);

    internal static async Task<PodSandbox> StartAsync(
        RuntimeContext context, PodSandboxSpec spec, IPodSandboxListener? listener, Action<PodSandbox> removed, CancellationToken cancellationToken)
    {
        PodSandboxValidation.Validate(spec);
        var pod = new PodSandbox(context, spec, listener, removed);
        try
        {
            await pod.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await pod.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        pod._run = pod.RunAsync();
        return pod;
    }

    internal void NotifyStatusChanged()
    {
        // Snapshot and post under one lock: the listener gets the snapshots in the order they were taken, so the
        // last one it gets is the current state.
        lock (_notifyGate)
        {
            var status = GetStatus();
            _listener.Post(listener => listener.OnStatusChanged(status));
        }
    }

    internal void PostEvent(string type, string reason, string message, string? fieldPath)
    {
        var sandboxEvent = new PodSandboxEvent(type, reason, message, fieldPath, Context.Time.GetUtcNow());
        _listener.Post(listener => listener.OnEvent(sandboxEvent));
    }

    internal void PostProbeResult(ProbeResultReport report) => _listener.Post(listener => listener.OnProbeResult(report));

    internal ContainerLog CreateLog(string path)
    {
        var log = ContainerLog.Create(path);
        _logs[path] = log;
        return log;
    }

    internal void ForgetLog(string path) => _logs.TryRemove(path, out _);

    internal ContainerLog? OpenLog(string path) =>
        _logs.TryGetValue(path, out var log) ? log : File.Exists(path) ? ContainerLog.OpenComplete(path) : null;

    /// <summary>Checks a container's configuration and resolves what its instance starts with.</summary>
    internal PreparedLaunch PrepareLaunch(ContainerSpec container)
    {
        var securityContext = EffectiveSecurityContext.Determine(Spec.SecurityContext, container.SecurityContext);
        var imageUser = ImageUser.Parse(container.ImageConfig.User);
        if (RunAsNonRootPolicy.Verify(securityContext, imageUser, Spec.Format(), container.Name) is { } refusal)
        {
            return PreparedLaunch.Refused(refusal);
        }

        ProcessIdentity identity;
        List<ContainerMount> mounts;
        try
        {
            identity = ProcessIdentity.Resolve(securityContext, imageUser, _users);
            mounts = ResolveMounts(container);
        }
        catch (ArgumentException e)
        {
            return PreparedLaunch.Refused(e.Message);
        }

        var environment = container.Environment
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(group => group.Last())
            .ToList();
        if (environment.All(pair => pair.Key != "HOME"))
        {
            // As runc: a process always has a HOME (.NET, for one, cannot build a TLS chain without it).
            environment.Add(new("HOME", _users.HomeOf(identity.Uid)));
        }

        var workingDir = container.WorkingDir ?? container.ImageConfig.WorkingDir ?? "/";
        var searchPath = environment.LastOrDefault(pair => pair.Key == "PATH").Value;
        var executable = ImageFiles.ContainerPath(
            ExecutableLookup.Find(container.Argv[0], container.ImageDirectory, searchPath, workingDir, ExecutableLookup.IsExecutableFile),
            container.ImageDirectory, container.ImageConfig);
        return new PreparedLaunch(null, identity, securityContext.NoNewPrivileges, securityContext.ReadOnlyRootFilesystem, executable,
            workingDir, environment, mounts);
    }

    internal ContainerLaunchSpec BuildLaunchSpec(ContainerSpec container, PreparedLaunch prepared, string stage, string errorFile, string terminationLog)
    {
        var mounts = prepared.Mounts.ToList();
        if (container.TerminationMessagePath.Length > 0)
        {
            mounts.Add(new ContainerMount(terminationLog, container.TerminationMessagePath, File: true, ReadOnly: false));
        }

        return new ContainerLaunchSpec
        {
            PodPid = _podInit!.Pid,
            SharePid = Spec.ShareProcessNamespace,
            Stage = stage,
            ErrorFile = errorFile,
            HostMounts = _hostLayers,
            // As containerd: shallower mount points first, so a mount inside another volume lands in it.
            Mounts = mounts.OrderBy(mount => mount.Target.Split('/', StringSplitOptions.RemoveEmptyEntries).Length).ToList(),
            ReadOnlyRoot = prepared.ReadOnlyRoot,
            WorkingDir = prepared.WorkingDir,
            Uid = prepared.Identity!.Uid,
            Gid = prepared.Identity.Gid,
            Groups = prepared.Identity.Groups,
            NoNewPrivileges = prepared.NoNewPrivileges,
            Executable = prepared.Executable!,
            Argv = container.Argv,
            Env = prepared.Environment.Select(pair => pair.Key + "=" + pair.Value).ToList(),
        };
    }

    private List<ContainerMount> ResolveMounts(ContainerSpec container)
    {
        var mounts = new List<ContainerMount>();
        var targets = container.VolumeMounts.Select(mount => mount.MountPath.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        // The kubelet's own /etc/hosts and /etc/hostname, unless the container mounts something there itself.
        if (!targets.Contains("/etc/hosts"))
        {
            mounts.Add(new ContainerMount(Path.Combine(Directory, HostsFileName), "/etc/hosts", File: true, ReadOnly: false));
        }

        if (!targets.Contains("/etc/hostname"))
        {
            mounts.Add(new ContainerMount(Path.Combine(Directory, HostnameFileName), "/etc/hostname", File: true, ReadOnly: false));
        }

        // The image's files at the image's paths, read-only, as its layers are (unless a volume is mounted there).
        foreach (var (source, target, file) in ImageFiles.Binds(container.ImageDirectory, container.ImageConfig))
        {
            if (!targets.Contains(target.TrimEnd('/')))
            {
                mounts.Add(new ContainerMount(source, target, file, ReadOnly: true));
            }
        }

        foreach (var mount in container.VolumeMounts)
        {
            var volume = _volumes[mount.Name];
            var source = volume is HostPathVolume hostPath ? hostPath.Path : VolumeDirectory(volume.Name);
            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                source = SubPath.Resolve(source, mount.SubPath, mount.Name);
            }

            var readOnly = mount.ReadOnlyProperty == true || volume is ProjectedFilesVolume;
            mounts.Add(new ContainerMount(source, mount.MountPath, File: !System.IO.Directory.Exists(source), readOnly));
        }

        return mounts;
    }

    private string VolumeDirectory(string volumeName) => Path.Combine(Directory, "volumes", volumeName);

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await WriteHostsFileAsync(cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(Directory, HostnameFileName), Spec.EffectiveHostname + "\n", cancellationToken)
            .ConfigureAwait(false);
        File.SetUnixFileMode(Path.Combine(Directory, HostnameFileName), (UnixFileMode)0b110_100_100); // 0644, whatever the umask
        var fsGroup = Spec.SecurityContext?.FsGroup;
        foreach (var volume in Spec.Volumes)
        {
            var directory = VolumeDirectory(volume.Name);
            switch (volume)
            {
                case EmptyDirVolume:
                    System.IO.Directory.CreateDirectory(directory);
                    var mode = (UnixFileMode)0b111_111_111; // 0777, as the kubelet makes an emptyDir
                    if (fsGroup is { } group)
                    {
                        LinuxNative.ChangeGroup(directory, group);
                        mode |= UnixFileMode.SetGroup;
                    }

                    File.SetUnixFileMode(directory, mode);
                    break;
                case ProjectedFilesVolume projected:
                    AtomicFileWriter.Write(directory, projected.Files, projected.DefaultMode, fsGroup, Context.Time.GetUtcNow());
                    break;
            }
        }

        _hostLayers = RootFilesystemPlan.Plan(await MountInfoEntry.ReadOwnAsync(cancellationToken).ConfigureAwait(false), System.IO.Directory.Exists);
        _users = await UserDatabase.ReadHostAsync(cancellationToken).ConfigureAwait(false);
        _podInit = await PodInitProcess.StartAsync(Context.Tools, Spec.EffectiveHostname, Directory, Context.Time, cancellationToken)
            .ConfigureAwait(false);
        RuntimeLog.PodStarted(Context.Logger, Spec.Format(), _podInit.Pid);
    }

    private async Task WriteHostsFileAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HostEntry> entries;
        lock (_gate)
        {
            entries = _nameEntries;
        }

        var text = HostsFile.Build(Spec.PodIP, Spec.EffectiveHostname, Spec.Subdomain, Spec.Namespace, Spec.ClusterDomain, Spec.HostAliases, entries);
        // Rewritten in place (same inode): the containers' bind mounts of it keep showing the file.
        await using var file = new FileStream(Path.Combine(Directory, HostsFileName), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(0);
        await file.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(Path.Combine(Directory, HostsFileName), (UnixFileMode)0b110_100_100); // 0644
    }

    private async Task RunAsync()
    {
        try
        {
            var initPolicy = Spec.RestartPolicy == PodRestartPolicy.Never ? PodRestartPolicy.Never : PodRestartPolicy.OnFailure;
            foreach (var init in _initContainers)
            {
                if (!await init.RunAsync(initPolicy, _stopping.Token).ConfigureAwait(false))
                {
                    return;
                }
            }

            foreach (var container in _containers)
            {
                container.SetWaiting("ContainerCreating");
            }

            await Task.WhenAll(_containers.Select(container => container.RunAsync(Spec.RestartPolicy, _stopping.Token))).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a failure here ends the pod; it is logged and the pod's processes are killed
        catch (Exception e)
#pragma warning restore CA1031
        {
            RuntimeLog.PodFailed(Context.Logger, Spec.Format(), e);
        }
        finally
        {
            if (!_stopping.IsCancellationRequested)
            {
                // Every container ended for good: the kubelet releases the sandbox (orphans of a shared PID
                // namespace go with it) and keeps the logs.
                await KillPodInitAsync().ConfigureAwait(false);
                End(PodSandboxState.Completed);
            }
        }
    }

    private async Task StopCoreAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_initContainers.Concat(_containers).Select(c => c.StopAsync(gracePeriod, cancellationToken))).ConfigureAwait(false);
        await _run.ConfigureAwait(false);
        await KillPodInitAsync().ConfigureAwait(false);
        End(PodSandboxState.Stopped);
    }

    private async Task RemoveCoreAsync(CancellationToken cancellationToken)
    {
        await StopAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        await _listener.CompleteAsync().ConfigureAwait(false);
        foreach (var log in _logs.Values)
        {
            log.Complete();
        }

        try
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
        catch (IOException e)
        {
            RuntimeLog.RemoveFailed(Context.Logger, Directory, e);
        }
        finally
        {
            _stopping.Dispose();
            _removed(this);
        }
    }

    private Task KillPodInitAsync()
    {
        lock (_gate)
        {
            _podInitKill ??= _podInit?.KillAsync() ?? Task.CompletedTask;
            return _podInitKill;
        }
    }

    private void End(PodSandboxState state)
    {
        lock (_gate)
        {
            if (_state != PodSandboxState.Running)
            {
                return;
            }

            _state = state;
        }

        RuntimeLog.PodEnded(Context.Logger, Spec.Format(), state);
        NotifyStatusChanged();
        _completion.TrySetResult();
    }
}
