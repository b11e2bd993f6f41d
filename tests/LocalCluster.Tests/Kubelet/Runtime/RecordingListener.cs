using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>Records what a pod sandbox reports, and lets a test wait (with a timeout) for a report it expects.</summary>
internal sealed class RecordingListener : IPodSandboxListener
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<PodSandboxStatus> _statuses = [];
    private readonly List<PodSandboxEvent> _events = [];
    private readonly List<ProbeResultReport> _probeResults = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<PodSandboxStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return _statuses.ToList();
            }
        }
    }

    public IReadOnlyList<PodSandboxEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.ToList();
            }
        }
    }

    public IReadOnlyList<ProbeResultReport> ProbeResults
    {
        get
        {
            lock (_gate)
            {
                return _probeResults.ToList();
            }
        }
    }

    public void OnStatusChanged(PodSandboxStatus status) => Record(() => _statuses.Add(status));

    public void OnProbeResult(ProbeResultReport report) => Record(() => _probeResults.Add(report));

    public void OnEvent(PodSandboxEvent sandboxEvent) => Record(() => _events.Add(sandboxEvent));

    /// <summary>The first status (in report order) that satisfies <paramref name="predicate"/>.</summary>
    public Task<PodSandboxStatus> WaitForStatusAsync(Func<PodSandboxStatus, bool> predicate, TimeSpan? timeout = null) =>
        WaitForAsync(() => Statuses.FirstOrDefault(predicate), "a status", timeout);

    public Task<ProbeResultReport> WaitForProbeResultAsync(Func<ProbeResultReport, bool> predicate, TimeSpan? timeout = null) =>
        WaitForAsync(() => ProbeResults.FirstOrDefault(predicate), "a probe result", timeout);

    public Task<PodSandboxEvent> WaitForEventAsync(Func<PodSandboxEvent, bool> predicate, TimeSpan? timeout = null) =>
        WaitForAsync(() => Events.FirstOrDefault(predicate), "an event", timeout);

    private async Task<T> WaitForAsync<T>(Func<T?> find, string what, TimeSpan? timeout)
        where T : class
    {
        using var expiry = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (find() is { } found)
            {
                return found;
            }

            try
            {
                await changed.WaitAsync(expiry.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no {what} as expected within {timeout ?? DefaultTimeout}; statuses:\n{Describe()}");
            }
        }
    }

    private void Record(Action add)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            add();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public string Describe()
    {
        var last = Statuses.LastOrDefault();
        var lines = new List<string>();
        if (last is not null)
        {
            foreach (var status in last.InitContainerStatuses.Concat(last.ContainerStatuses))
            {
                lines.Add($"  {status.Name}: restarts {status.RestartCount}, ready {status.Ready}, waiting {status.State.Waiting?.Reason} {status.State.Waiting?.Message}, "
                    + $"terminated {status.State.Terminated?.ExitCode} {status.State.Terminated?.Reason} {status.State.Terminated?.Message}");
            }
        }

        lines.AddRange(Events.Select(e => $"  event {e.Type} {e.Reason}: {e.Message}"));
        return string.Join('\n', lines);
    }
}
