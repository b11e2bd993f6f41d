using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s.Models;
using ZkSync.Operator.Controller;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Controller;

/// <summary>An <see cref="ISessionCluster"/> that only records Events: each waits for <see cref="Open"/>, and those whose
/// message is in <see cref="Refused"/> fail as an unreachable API server would.</summary>
internal sealed class EventRecordingCluster : ISessionCluster
{
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HashSet<string> Refused { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Recorded { get; } = new();

    public async Task RecordEventAsync(V1Alpha1ZkRsyncSession session, SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        await Open.Task.WaitAsync(cancellationToken);
        if (Refused.Contains(sessionEvent.Message))
        {
            throw new HttpRequestException("connection refused");
        }

        Recorded.Enqueue(sessionEvent.Message);
    }

    public Task<V1Alpha1ZkRsyncSession?> PatchSessionAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1Alpha1ZkRsyncSession?> GetSessionAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PatchSessionStatusAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task CreateJobAsync(V1Job job, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task SetJobSuspendedAsync(string @namespace, string name, bool suspend, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteJobAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task CreateNetworkPolicyAsync(V1NetworkPolicy policy, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1PersistentVolumeClaim?> GetClaimAsync(string @namespace, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<V1Pod>> ListPodsAsync(string @namespace, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> JobWarningsAsync(string @namespace, string job, CancellationToken cancellationToken) => throw new NotSupportedException();
}
