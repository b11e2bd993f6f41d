using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Controllers.Volumes;
using ZkSync.LocalCluster.Kubelet.Runtime;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The kubelet of every local node: registers the nodes, then runs each pod bound to one of them through the process
/// runtime. A pod is prepared (volumes, images, environment; what blocks it is reported as a waiting reason and an
/// event), given its own 127.x.y.z address and started; its status follows the runtime's reports (phase,
/// conditions, container statuses); its projected files follow Secrets, ConfigMaps and token expiry; its /etc/hosts
/// follows Services and Endpoints. A pod being deleted gets SIGTERM, SIGKILL after its grace period, a final status,
/// and is then removed from the API (a delete with grace period 0), its files and address released. A pod's
/// <c>activeDeadlineSeconds</c> fails it (<c>DeadlineExceeded</c>).
/// </summary>
public sealed partial class LocalKubelet : KeyedController
{
    private const string NamesKey = "@names";
    private const string WaitingKey = "@waiting";
    private const string RefreshKey = "@refresh";
    private const string NodesKey = "@nodes";
    private static readonly TimeSpan RetryBlocked = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(60);
    private readonly ResourceService _resources;
    private readonly ClusterTypes _types;
    private readonly EventRecorder _events;
    private readonly ProcessRuntime _runtime;
    private readonly PodAddressPool _addresses;
    private readonly SandboxPlanner _planner;
    private readonly PodVolumeResolver _volumes;
    private readonly ApiServerEndpoint _api;
    private readonly IReadOnlyDictionary<string, LocalNode> _nodes;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);

    public LocalKubelet(
        ResourceService resources, ClusterTypes types, EventRecorder events, ProcessRuntime runtime, PodAddressPool addresses, ImageStore images,
        VolumeAttachments attachments, ApiServerEndpoint api, IReadOnlyList<LocalNode> nodes, Auth.TokenAuthority tokens, string caPem,
        TimeProvider time, ILogger<LocalKubelet> logger)
        : base(resources.Store, time, logger)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        _resources = resources;
        _types = types;
        _events = events;
        _runtime = runtime;
        _addresses = addresses;
        _api = api;
        _nodes = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var data = new ObjectData(resources.Store, types);
        _volumes = new PodVolumeResolver(resources.Store, types, data, tokens, attachments, caPem);
        _planner = new SandboxPlanner(images, new ContainerEnvironment(data), _volumes);
        attachments.Changed += () => Enqueue(WaitingKey);
    }

    /// <summary>The sandbox of a pod by uid (for <c>kubectl logs</c>), or null when it does not run here.</summary>
    public PodSandbox? FindSandbox(string uid) => _runtime.FindPod(uid);

    protected override Task StartingAsync(CancellationToken cancellationToken)
    {
        RegisterNodes();
        Enqueue(RefreshKey);
        return Task.CompletedTask;
    }

    protected override IEnumerable<string> KeysFor(StoreEvent change)
    {
        if (change.StorageKey == _types.Pods.StorageKey)
        {
            if (IsMine(change.Object) || (change.Previous is { } before && IsMine(before)))
            {
                yield return Owners.Key(change.Object);
            }
        }
        else if (change.StorageKey == _types.Services.StorageKey || change.StorageKey == _types.Endpoints.StorageKey)
        {
            yield return NamesKey;
        }
        else if (change.StorageKey == _types.Secrets.StorageKey || change.StorageKey == _types.ConfigMaps.StorageKey)
        {
            yield return WaitingKey;
            yield return RefreshKey;
        }
        else if (change.StorageKey == _types.PersistentVolumeClaims.StorageKey || change.StorageKey == _types.PersistentVolumes.StorageKey ||
                 change.StorageKey == _types.ServiceAccounts.StorageKey)
        {
            yield return WaitingKey;
        }
        else if (change.StorageKey == _types.Nodes.StorageKey && change.Type == Storage.WatchEventType.Deleted && _nodes.ContainsKey(Metadata.Name(change.Object)))
        {
            yield return NodesKey;
        }
    }

    protected override async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        switch (key)
        {
            case NodesKey:
                RegisterNodes();
                return null;
            case WaitingKey:
                foreach (var waiting in _workers.Values.Where(w => w.Starting is null))
                {
                    Enqueue(waiting.Key);
                }

                return null;
            case NamesKey:
                await UpdateNamesAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case RefreshKey:
                await RefreshFilesAsync(force: false, cancellationToken).ConfigureAwait(false);
                return RefreshPeriod;
            default:
                return await SyncPodAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsMine(JsonObject pod) => PodFacts.NodeName(pod) is { } node && _nodes.ContainsKey(node);

    private void RegisterNodes()
    {
        foreach (var node in _nodes.Values)
        {
            if (_resources.Store.Get(_types.Nodes.StorageKey, null, node.Name) is null)
            {
                try
                {
                    _resources.Create(_types.Nodes, null, NodeObjects.Build(node, Time.GetUtcNow()), new WriteOptions());
                    LogNodeRegistered(Logger, node.Name);
                }
                catch (ApiException e) when (e.Reason == "AlreadyExists")
                {
                }
            }
        }
    }

    private async Task<TimeSpan?> SyncPodAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = Owners.SplitKey(key);
        var pod = _resources.Store.Get(_types.Pods.StorageKey, ns, name);
        _workers.TryGetValue(key, out var worker);
        if (worker is not null && (pod is null || Metadata.Uid(pod) != worker.Uid || PodFacts.NodeName(pod) != worker.Node))
        {
            // The pod this worker ran is gone (force-deleted, or replaced by one of the same name).
            _workers.TryRemove(key, out _);
            _ = TearDownAsync(worker, worker.Sandbox?.Spec.TerminationGracePeriod ?? TimeSpan.Zero);
            worker = null;
        }

        if (pod is null || !IsMine(pod))
        {
            return null;
        }

        if (worker is null)
        {
            if (Metadata.IsDeleting(pod) || PodFacts.IsTerminal(pod))
            {
                if (Metadata.IsDeleting(pod))
                {
                    DeleteFromApi(pod);
                }

                return null;
            }

            worker = new PodWorker(key, Metadata.Uid(pod)!, PodFacts.NodeName(pod)!, Time.GetUtcNow());
            _workers[key] = worker;
        }

        if (worker.Starting is { IsCompleted: false })
        {
            return null; // queued again when the start completes
        }

        if (worker.Starting is { } started && worker.Sandbox is null)
        {
            if (started.IsCompletedSuccessfully)
            {
                worker.Sandbox = started.Result;
                Enqueue(NamesKey); // names that changed while it started (its own endpoints among them) reach its /etc/hosts
            }
            else
            {
                worker.Starting = null;
                var error = started.Exception?.GetBaseException().Message ?? "cancelled";
                Record(pod, worker, [new PodProblem("Warning", "FailedCreatePodSandBox", $"Failed to create pod sandbox: {error}", null)]);
                return RetryBlocked;
            }
        }

        var typed = KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());
        if (Metadata.IsDeleting(pod))
        {
            return await TerminateAsync(pod, typed, worker).ConfigureAwait(false);
        }

        if (worker.Sandbox is null)
        {
            return await StartAsync(pod, typed, worker, cancellationToken).ConfigureAwait(false);
        }

        var status = worker.Sandbox.GetStatus();
        TimeSpan? again = null;
        if (status.State == PodSandboxState.Running && typed.Spec.ActiveDeadlineSeconds is { } deadline)
        {
            var remaining = worker.StartTime.AddSeconds(deadline) - Time.GetUtcNow();
            if (remaining <= TimeSpan.Zero && worker.Failure is null)
            {
                worker.Failure = ("DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
                Record(pod, worker, [new PodProblem("Normal", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline", null)]);
                worker.Stopping = StopThenQueueAsync(worker, worker.Sandbox.Spec.TerminationGracePeriod);
            }
            else if (remaining > TimeSpan.Zero)
            {
                again = remaining;
            }
        }

        WriteStatus(typed, worker, status.State != PodSandboxState.Running || worker.Failure is not null && worker.Stopping is { IsCompleted: true });
        return again;
    }

    private async Task<TimeSpan?> StartAsync(JsonObject pod, V1Pod typed, PodWorker worker, CancellationToken cancellationToken)
    {
        if (worker.Address is null)
        {
            if (typed.Spec.HostNetwork == true)
            {
                worker.Address = IPAddress.Parse(NodeObjects.InternalIP);
            }
            else
            {
                worker.Address = _addresses.Allocate();
                worker.OwnsAddress = true;
            }
        }

        var node = _nodes[worker.Node];
        worker.NameEntries = NameEntriesFor(typed.Metadata.NamespaceProperty);
        var plan = await _planner.PlanAsync(typed, worker.Address, NodeObjects.InternalIP, _api.ServiceEnvironment(), node.Capacity, worker.NameEntries,
            cancellationToken).ConfigureAwait(false);
        Record(pod, worker, plan.Problems);
        if (plan.Spec is not { } spec)
        {
            worker.Waiting = plan.Waiting;
            WriteStatus(typed, worker, terminal: false);
            return RetryBlocked;
        }

        worker.Waiting = new Dictionary<string, (string Reason, string? Message)>();
        worker.TokenRefreshInterval = plan.TokenRefreshInterval;
        worker.TokenRefreshDue = Time.GetUtcNow() + plan.TokenRefreshInterval;
        foreach (var volume in spec.Volumes.OfType<ProjectedFilesVolume>())
        {
            worker.FileDigests[volume.Name] = Digest(volume.Files);
        }

        var listener = new SandboxListener(this, worker.Key, worker.Node);
        worker.Starting = StartThenQueueAsync(worker.Key, spec, listener, plan.OnStart, pod);
        WriteStatus(typed, worker, terminal: false);
        return null;
    }

    private async Task<PodSandbox> StartThenQueueAsync(string key, PodSandboxSpec spec, SandboxListener listener, IReadOnlyList<PodProblem> onStart, JsonObject pod)
    {
        try
        {
            foreach (var problem in onStart)
            {
                _events.Record(pod, EventSource.Kubelet(PodFacts.NodeName(pod)!), problem.Type, problem.Reason, problem.Message, problem.FieldPath);
            }

            var sandbox = await _runtime.RunPodAsync(spec, listener, CancellationToken.None).ConfigureAwait(false);
            LogPodStarted(Logger, spec.Namespace, spec.Name, spec.PodIP);
            return sandbox;
        }
        finally
        {
            Enqueue(key);
        }
    }

    private async Task<TimeSpan?> TerminateAsync(JsonObject pod, V1Pod typed, PodWorker worker)
    {
        if (worker.Sandbox is { } sandbox)
        {
            if (worker.Stopping is null)
            {
                var grace = TimeSpan.FromSeconds(Math.Max(0, typed.Metadata.DeletionGracePeriodSeconds ?? typed.Spec.TerminationGracePeriodSeconds ?? 30));
                worker.Stopping = StopThenQueueAsync(worker, grace);
            }

            if (!worker.Stopping.IsCompleted)
            {
                WriteStatus(typed, worker, terminal: false);
                return null;
            }

            await worker.Stopping.ConfigureAwait(false);
        }

        WriteStatus(typed, worker, terminal: true);
        DeleteFromApi(pod);
        _workers.TryRemove(worker.Key, out _);
        _ = TearDownAsync(worker, TimeSpan.Zero);
        return null;
    }

    private async Task StopThenQueueAsync(PodWorker worker, TimeSpan grace)
    {
        try
        {
            await worker.Sandbox!.StopAsync(grace, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Enqueue(worker.Key);
        }
    }

    /// <summary>Stops (after <paramref name="grace"/>) and removes a pod's sandbox, then frees its address.</summary>
    private async Task TearDownAsync(PodWorker worker, TimeSpan grace)
    {
        try
        {
            var sandbox = worker.Sandbox;
            if (sandbox is null && worker.Starting is { } starting)
            {
                try
                {
                    sandbox = await starting.ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or ObjectDisposedException)
                {
                    sandbox = null;
                }
            }

            if (sandbox is not null)
            {
                await sandbox.StopAsync(grace, CancellationToken.None).ConfigureAwait(false);
                await sandbox.RemoveAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (worker.OwnsAddress && worker.Address is { } address)
            {
                _addresses.Release(address);
            }
        }
    }

    /// <summary>The kubelet's final delete: grace period 0, preconditioned on the uid it ran.</summary>
    private void DeleteFromApi(JsonObject pod)
    {
        try
        {
            _resources.Delete(_types.Pods, Metadata.Namespace(pod), Metadata.Name(pod),
                new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = Metadata.Uid(pod) });
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    private void WriteStatus(V1Pod typed, PodWorker worker, bool terminal)
    {
        var sandboxStatus = worker.Sandbox?.GetStatus();
        var input = new PodStatusInput
        {
            Pod = typed,
            InitContainerStatuses = sandboxStatus?.InitContainerStatuses,
            ContainerStatuses = sandboxStatus?.ContainerStatuses,
            Waiting = worker.Waiting,
            SandboxReady = worker.Sandbox is not null && sandboxStatus?.State == PodSandboxState.Running,
            Terminal = terminal || sandboxStatus?.State == PodSandboxState.Completed,
            Failure = worker.Failure,
            HostIP = NodeObjects.InternalIP,
            PodIP = worker.Sandbox is not null || worker.Starting is not null ? worker.Address : null,
            StartTime = worker.StartTime,
        };
        var now = Time.GetUtcNow();
        _resources.Mutate(_types.Pods, typed.Metadata.NamespaceProperty, typed.Metadata.Name, current =>
        {
            if (Metadata.Uid(current) != worker.Uid)
            {
                return false;
            }

            var next = PodStatusBuilder.Build(current["status"] as JsonObject, input, now);
            if (JsonNode.DeepEquals(next, current["status"]))
            {
                return false;
            }

            current["status"] = next;
            return true;
        }, "status");
    }

    private void Record(JsonObject pod, PodWorker worker, IReadOnlyList<PodProblem> problems)
    {
        if (problems.SequenceEqual(worker.Reported))
        {
            return;
        }

        foreach (var problem in problems.Except(worker.Reported))
        {
            _events.Record(pod, EventSource.Kubelet(worker.Node), problem.Type, problem.Reason, problem.Message, problem.FieldPath);
        }

        worker.Reported = problems;
    }

    private IReadOnlyList<HostEntry> NameEntriesFor(string ns)
    {
        var endpoints = _resources.Store.List(_types.Endpoints.StorageKey, null).Items.ToDictionary(Owners.Key, StringComparer.Ordinal);
        return ServiceNames.For(ns, _resources.Store.List(_types.Services.StorageKey, null).Items, endpoints);
    }

    private async Task UpdateNamesAsync(CancellationToken cancellationToken)
    {
        var services = _resources.Store.List(_types.Services.StorageKey, null).Items;
        var endpoints = _resources.Store.List(_types.Endpoints.StorageKey, null).Items.ToDictionary(Owners.Key, StringComparer.Ordinal);
        foreach (var worker in _workers.Values)
        {
            if (worker.Sandbox is not { } sandbox)
            {
                continue;
            }

            var entries = ServiceNames.For(sandbox.Spec.Namespace, services, endpoints);
            if (entries.SequenceEqual(worker.NameEntries, HostEntryComparer.Instance))
            {
                continue;
            }

            worker.NameEntries = entries;
            try
            {
                await sandbox.UpdateNameEntriesAsync(entries, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The pod's directory went with it.
            }
        }
    }

    /// <summary>Rewrites the projected files of running pods whose Secrets or ConfigMaps changed, and reissues
    /// service-account tokens past 80% of their lifetime, as the kubelet's volume manager resyncs them.</summary>
    private async Task RefreshFilesAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        foreach (var worker in _workers.Values)
        {
            if (worker.Sandbox is not { } sandbox || sandbox.GetStatus().State != PodSandboxState.Running)
            {
                continue;
            }

            var pod = _resources.Store.Get(_types.Pods.StorageKey, sandbox.Spec.Namespace, sandbox.Spec.Name);
            if (pod is null || Metadata.Uid(pod) != worker.Uid)
            {
                continue;
            }

            var typed = KubernetesJson.Deserialize<V1Pod>(pod.ToJsonString());
            var tokensDue = force || worker.TokenRefreshDue is { } due && due <= now;
            foreach (var volume in typed.Spec.Volumes ?? [])
            {
                var hasToken = volume.Projected?.Sources?.Any(s => s.ServiceAccountToken is not null) == true;
                if (hasToken && !tokensDue)
                {
                    continue;
                }

                ProjectedFilesVolume? files;
                try
                {
                    files = _volumes.Files(typed, volume, worker.Address, NodeObjects.InternalIP, _nodes[worker.Node].Capacity);
                }
                catch (VolumeMountException)
                {
                    continue; // a source went away: the kubelet keeps the last files
                }

                if (files is null)
                {
                    continue;
                }

                var digest = Digest(files.Files);
                if (worker.FileDigests.TryGetValue(volume.Name, out var previous) && previous == digest)
                {
                    continue;
                }

                try
                {
                    await sandbox.UpdateFilesAsync(volume.Name, files.Files, cancellationToken).ConfigureAwait(false);
                    worker.FileDigests[volume.Name] = digest;
                }
                catch (Exception e) when (e is IOException or ArgumentException)
                {
                    LogRefreshFailed(Logger, e, sandbox.Spec.Namespace, sandbox.Spec.Name, volume.Name);
                }
            }

            if (tokensDue)
            {
                worker.TokenRefreshDue = now + worker.TokenRefreshInterval;
            }
        }
    }

    private static string Digest(IReadOnlyList<ProjectedFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{file.Path}\0{file.Mode}\0{file.Content.Length}\0"));
            hash.AppendData(file.Content.Span);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Reports of one pod's sandbox: status and probe changes queue the pod; events are recorded on it.</summary>
    private sealed class SandboxListener(LocalKubelet kubelet, string key, string node) : IPodSandboxListener
    {
        public void OnStatusChanged(PodSandboxStatus status) => kubelet.Enqueue(key);

        public void OnProbeResult(ProbeResultReport report) => kubelet.Enqueue(key);

        public void OnEvent(PodSandboxEvent sandboxEvent)
        {
            var (ns, name) = Owners.SplitKey(key);
            if (kubelet._resources.Store.Get(kubelet._types.Pods.StorageKey, ns, name) is { } pod)
            {
                kubelet._events.Record(pod, EventSource.Kubelet(node), sandboxEvent.Type, sandboxEvent.Reason, sandboxEvent.Message, sandboxEvent.FieldPath);
            }
        }
    }

    private sealed class HostEntryComparer : IEqualityComparer<HostEntry>
    {
        public static readonly HostEntryComparer Instance = new();

        public bool Equals(HostEntry? x, HostEntry? y) =>
            x is not null && y is not null && x.Address.Equals(y.Address) && x.Names.SequenceEqual(y.Names, StringComparer.Ordinal);

        public int GetHashCode(HostEntry obj) => obj.Address.GetHashCode();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered node {Node}")]
    private static partial void LogNodeRegistered(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started pod {Namespace}/{Pod} at {Address}")]
    private static partial void LogPodStarted(ILogger logger, string @namespace, string pod, IPAddress address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh volume {Volume} of pod {Namespace}/{Pod}")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string @namespace, string pod, string volume);
}
