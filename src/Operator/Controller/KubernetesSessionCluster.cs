using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Controller;

/// <summary><see cref="ISessionCluster"/> on KubernetesClient.</summary>
public sealed class KubernetesSessionCluster(IKubernetes kubernetes, TimeProvider time, string instance) : ISessionCluster
{
    private const string Group = ZkRsyncSessionResource.Group;
    private const string Version = ZkRsyncSessionResource.Version;
    private const string Plural = ZkRsyncSessionResource.Plural;

    public Task<V1Alpha1ZkRsyncSession?> PatchSessionAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync<V1Alpha1ZkRsyncSession>(
            MergePatchOf(patch), Group, Version, @namespace, Plural, name, fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken));

    public Task<V1Alpha1ZkRsyncSession?> GetSessionAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1ZkRsyncSession>(Group, Version, @namespace, Plural, name, cancellationToken));

    /// <remarks>A session deleted meanwhile has nothing to report on: NotFound is ignored.</remarks>
    public Task PatchSessionStatusAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            MergePatchOf(patch), Group, Version, @namespace, Plural, name, fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken));

    public async Task CreateJobAsync(V1Job job, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.BatchV1.CreateNamespacedJobAsync(job, job.Metadata.NamespaceProperty, fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // AlreadyExists: made by an earlier attempt.
        }
    }

    public Task SetJobSuspendedAsync(string @namespace, string name, bool suspend, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.BatchV1.PatchNamespacedJobAsync(
            MergePatchOf(new JsonObject { ["spec"] = new JsonObject { ["suspend"] = suspend } }), name, @namespace,
            fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken));

    public Task DeleteJobAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.BatchV1.DeleteNamespacedJobAsync(name, @namespace, propagationPolicy: "Background", cancellationToken: cancellationToken));

    public async Task<bool> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.CoreV1.CreateNamespacedSecretAsync(secret, secret.Metadata.NamespaceProperty, fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false; // AlreadyExists: keep its values (the workers of a running pass use them).
        }
    }

    public async Task CreateNetworkPolicyAsync(V1NetworkPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            await kubernetes.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, policy.Metadata.NamespaceProperty, fieldManager: SessionNames.ManagedBy, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // AlreadyExists: made in an earlier pass or leadership term.
        }
    }

    public Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken));

    public Task<V1PersistentVolumeClaim?> GetClaimAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        OrNullIfNotFound(kubernetes.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, @namespace, cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<V1Pod>> ListPodsAsync(string @namespace, CancellationToken cancellationToken) =>
        [.. (await kubernetes.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken).ConfigureAwait(false)).Items];

    public async Task<IReadOnlyList<string>> JobWarningsAsync(string @namespace, string job, CancellationToken cancellationToken)
    {
        var events = await kubernetes.CoreV1.ListNamespacedEventAsync(
            @namespace, fieldSelector: $"involvedObject.kind=Job,involvedObject.name={job}", cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. events.Items
            .Where(e => e.Type == "Warning" && e.Reason == "FailedCreate")
            .OrderByDescending(e => e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp)
            .Select(e => e.Message)];
    }

    public async Task RecordEventAsync(V1Alpha1ZkRsyncSession session, SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var meta = session.Metadata;
        var created = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"{meta.Name}.{now.Ticks:x}{Random.Shared.Next(0x1000):x3}"),
                NamespaceProperty = meta.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = ZkRsyncSessionResource.ApiVersion,
                Kind = ZkRsyncSessionResource.Kind,
                Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty,
                Uid = meta.Uid,
                ResourceVersion = meta.ResourceVersion,
            },
            Type = sessionEvent.Type,
            Reason = sessionEvent.Reason,
            Message = sessionEvent.Message.Length > 1024 ? sessionEvent.Message[..1021] + "..." : sessionEvent.Message,
            Source = new V1EventSource { Component = SessionNames.ManagedBy },
            ReportingComponent = "zksync.io/" + SessionNames.ManagedBy,
            ReportingInstance = instance,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        await kubernetes.CoreV1.CreateNamespacedEventAsync(created, meta.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static V1Patch MergePatchOf(JsonObject patch) => new(patch.ToJsonString(), V1Patch.PatchType.MergePatch);

    /// <summary>The reply, or null when the object is not there (404).</summary>
    private static async Task<T?> OrNullIfNotFound<T>(Task<T> request) where T : class
    {
        try
        {
            return await request.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
