using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Kubelet.Runtime.Probes;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The local kubelet's container runtime: turns resolved pods (<see cref="PodSandboxSpec"/>) into local
/// processes in namespaces of their own, and back. Needs root (mount and PID namespaces), Linux, util-linux
/// (setsid, unshare, nsenter, setpriv) and Python 3 (the container helper). When disposed it stops every pod
/// and removes its directory: no process, mount or file of it is left on the host.
/// </summary>
/// <example>
/// <code>
/// await using var runtime = await ProcessRuntime.StartAsync(new ProcessRuntimeOptions { RootDirectory = dir }, loggerFactory);
/// var pod = await runtime.RunPodAsync(new PodSandboxSpec
/// {
///     Uid = uid, Name = "web-0", Namespace = "default", PodIP = IPAddress.Parse("127.0.0.5"),
///     Volumes = [new EmptyDirVolume("scratch")],
///     Containers = [new ContainerSpec
///     {
///         Name = "web",
///         Argv = ContainerCommand.Combine(image, container.Command, container.Args, env),
///         Environment = env,
///         VolumeMounts = container.VolumeMounts,
///         ReadinessProbe = container.ReadinessProbe,
///     }],
/// }, listener);            // listener: status changes, probe results, events
/// ...
/// await pod.StopAsync(gracePeriod: null, cancellationToken);  // SIGTERM, SIGKILL after the pod's grace period
/// await pod.RemoveAsync(cancellationToken);                    // its files and logs go
/// </code>
/// </example>
public sealed class ProcessRuntime : IAsyncDisposable
{
    private readonly RuntimeContext _context;
    private readonly ConcurrentDictionary<string, PodSandbox?> _pods = new(StringComparer.Ordinal);
    private readonly bool _createdRoot;
    private int _disposed;

    private ProcessRuntime(RuntimeContext context, bool createdRoot)
    {
        _context = context;
        _createdRoot = createdRoot;
    }

    /// <summary>The pods the runtime has (running or ended, until removed).</summary>
    public IReadOnlyCollection<PodSandbox> Pods => _pods.Values.OfType<PodSandbox>().ToList();

    /// <summary>Checks the host, prepares the runtime's directory and kills what a crashed earlier runtime left
    /// in it.</summary>
    /// <exception cref="InvalidOperationException">Not root, not Linux, or a tool is missing (one-line message).</exception>
    public static async Task<ProcessRuntime> StartAsync(
        ProcessRuntimeOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentException.ThrowIfNullOrEmpty(options.RootDirectory);
        if (!OperatingSystem.IsLinux() || !LinuxNative.IsRoot)
        {
            throw new InvalidOperationException("the process runtime needs root on Linux (it makes mount and PID namespaces)");
        }

        var root = Path.GetFullPath(options.RootDirectory);
        if (root.AsSpan().ContainsAny(",:\\"))
        {
            throw new ArgumentException($"the runtime directory {root} may not hold ',', ':' or '\\' (overlayfs mount options name paths in it)");
        }

        var tools = RuntimeTools.Find(options.PythonPath);
        var logger = loggerFactory.CreateLogger<ProcessRuntime>();
        var createdRoot = !Directory.Exists(root);
        Directory.CreateDirectory(root);
        var context = new RuntimeContext(options with { RootDirectory = root }, tools, Path.Combine(root, SandboxScripts.ContainerHelperFileName),
            new Prober(tools, options.ProbeUserAgent, timeProvider ?? TimeProvider.System), timeProvider ?? TimeProvider.System, logger);
        RemoveLeftOvers(context);
        Directory.CreateDirectory(context.PodsDirectory);
        await File.WriteAllTextAsync(context.HelperPath, SandboxScripts.ContainerHelper, cancellationToken).ConfigureAwait(false);
        return new ProcessRuntime(context, createdRoot);
    }

    /// <summary>
    /// Starts a pod: its directory, hosts file and volumes, its first process; then its init containers and
    /// containers run in the background, reported to <paramref name="listener"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is invalid, or a pod with its uid exists.</exception>
    public async Task<PodSandbox> RunPodAsync(PodSandboxSpec spec, IPodSandboxListener? listener = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_pods.TryAdd(spec.Uid, null)) // reserved while it starts
        {
            throw new ArgumentException($"a pod with uid {spec.Uid} already runs");
        }

        try
        {
            var pod = await PodSandbox.StartAsync(_context, spec, listener, removed => _pods.TryRemove(KeyValuePair.Create(removed.Spec.Uid, (PodSandbox?)removed)),
                cancellationToken).ConfigureAwait(false);
            _pods[spec.Uid] = pod;
            if (Volatile.Read(ref _disposed) != 0)
            {
                // The runtime was disposed while the pod started: it may not have seen the pod.
                await pod.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
                throw new ObjectDisposedException(nameof(ProcessRuntime));
            }

            return pod;
        }
        catch
        {
            _pods.TryRemove(spec.Uid, out _);
            throw;
        }
    }

    /// <summary>The pod with this uid, or null.</summary>
    public PodSandbox? FindPod(string uid) => _pods.TryGetValue(uid, out var pod) ? pod : null;

    /// <summary>Stops every pod (SIGTERM, then SIGKILL after its grace period, at most
    /// <see cref="ProcessRuntimeOptions.ShutdownGracePeriod"/>) and removes the runtime's files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var pods = _pods.Values.OfType<PodSandbox>().ToList();
        await Task.WhenAll(pods.Select(async pod =>
        {
            var grace = pod.Spec.TerminationGracePeriod < _context.Options.ShutdownGracePeriod
                ? pod.Spec.TerminationGracePeriod
                : _context.Options.ShutdownGracePeriod;
            await pod.StopAsync(grace, CancellationToken.None).ConfigureAwait(false);
            await pod.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
        })).ConfigureAwait(false);
        _context.Prober.Dispose();
        try
        {
            if (_createdRoot)
            {
                Directory.Delete(_context.Options.RootDirectory, recursive: true);
            }
            else
            {
                File.Delete(_context.HelperPath);
                Directory.Delete(_context.PodsDirectory, recursive: true);
            }
        }
        catch (IOException e)
        {
            RuntimeLog.RemoveFailed(_context.Logger, _context.Options.RootDirectory, e);
        }
    }

    private static void RemoveLeftOvers(RuntimeContext context)
    {
        if (!Directory.Exists(context.PodsDirectory))
        {
            return;
        }

        foreach (var podDirectory in Directory.EnumerateDirectories(context.PodsDirectory))
        {
            if (PodInitProcess.KillLeftOver(podDirectory) is { } pid)
            {
                RuntimeLog.StaleSandboxKilled(context.Logger, pid, podDirectory);
            }
        }

        Directory.Delete(context.PodsDirectory, recursive: true);
    }
}
