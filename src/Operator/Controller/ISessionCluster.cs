using System.Text.Json.Nodes;
using k8s.Models;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Controller;

/// <summary>
/// Every request the controller makes to the API server, in one narrow interface (the watches aside, which the
/// runtime makes). Creates treat AlreadyExists and deletes NotFound as done, so every step can be retried.
/// </summary>
public interface ISessionCluster
{
    /// <summary>A merge patch of the resource's metadata (finalizers); with <c>metadata.resourceVersion</c> in the
    /// patch the server refuses (409) a stale one. Returns the resource as stored, or null when it is gone.</summary>
    Task<V1Alpha1ZkRsyncSession?> PatchSessionAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken);

    Task<V1Alpha1ZkRsyncSession?> GetSessionAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>A merge patch of the status subresource.</summary>
    Task PatchSessionStatusAsync(string @namespace, string name, JsonObject patch, CancellationToken cancellationToken);

    Task CreateJobAsync(V1Job job, CancellationToken cancellationToken);

    Task SetJobSuspendedAsync(string @namespace, string name, bool suspend, CancellationToken cancellationToken);

    /// <summary>Deletes a Job and, in the background, its pods.</summary>
    Task DeleteJobAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates the Secret; returns false when it existed already (its values kept).</summary>
    Task<bool> CreateSecretAsync(V1Secret secret, CancellationToken cancellationToken);

    /// <summary>Creates the session's NetworkPolicy; one that exists already is left as it is.</summary>
    Task CreateNetworkPolicyAsync(V1NetworkPolicy policy, CancellationToken cancellationToken);

    Task<V1Secret?> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<V1PersistentVolumeClaim?> GetClaimAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<V1Pod>> ListPodsAsync(string @namespace, CancellationToken cancellationToken);

    /// <summary>Messages of the Warning events about a Job (FailedCreate: a quota or pod security refused its pods).</summary>
    Task<IReadOnlyList<string>> JobWarningsAsync(string @namespace, string job, CancellationToken cancellationToken);

    Task RecordEventAsync(V1Alpha1ZkRsyncSession session, SessionEvent sessionEvent, CancellationToken cancellationToken);
}
