using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using k8s;
using k8s.Models;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Runtime;

/// <summary>The <see cref="IResourceClient{T}"/>s the operator watches, on KubernetesClient. Watches ask for
/// bookmarks and pass an <c>onError</c> that rethrows, so an ERROR event (410 Gone among them) reaches the watcher.</summary>
public static class KubernetesResourceClients
{
    public static IResourceClient<V1Alpha1ZkRsyncSession> Sessions(IKubernetes kubernetes) => new SessionClient(kubernetes);

    public static IResourceClient<V1Job> Jobs(IKubernetes kubernetes) => new JobClient(kubernetes);

    public static IResourceClient<V1Pod> Pods(IKubernetes kubernetes) => new PodClient(kubernetes);

    /// <summary>KubernetesClient calls it for an ERROR event and for an unreadable line: surface both.</summary>
    internal static void Rethrow(Exception exception) => ExceptionDispatchInfo.Capture(exception).Throw();

    private sealed class SessionClient(IKubernetes kubernetes) : IResourceClient<V1Alpha1ZkRsyncSession>
    {
        private const string Group = ZkRsyncSessionResource.Group;
        private const string Version = ZkRsyncSessionResource.Version;
        private const string Plural = ZkRsyncSessionResource.Plural;

        public async Task<ResourceList<V1Alpha1ZkRsyncSession>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        {
            var list = @namespace is null
                ? await kubernetes.CustomObjects.ListCustomObjectForAllNamespacesAsync<V1Alpha1ZkRsyncSessionList>(
                    Group, Version, Plural, labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<V1Alpha1ZkRsyncSessionList>(
                    Group, Version, @namespace, Plural, labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<V1Alpha1ZkRsyncSession>([.. list.Items], list.Metadata.ResourceVersion);
        }

        public async IAsyncEnumerable<(WatchEventType Type, V1Alpha1ZkRsyncSession Object)> WatchAsync(
            string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var events = @namespace is null
                ? kubernetes.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
                    Group, Version, Plural, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                    timeoutSeconds: timeoutSeconds, onError: Rethrow, cancellationToken: cancellationToken)
                : kubernetes.CustomObjects.WatchListNamespacedCustomObjectAsync(
                    Group, Version, @namespace, Plural, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion,
                    timeoutSeconds: timeoutSeconds, onError: Rethrow, cancellationToken: cancellationToken);
            await foreach (var (type, item) in events.ConfigureAwait(false))
            {
                yield return (type, ToSession(item));
            }
        }

        private static V1Alpha1ZkRsyncSession ToSession(object item) => item switch
        {
            V1Alpha1ZkRsyncSession session => session,
            JsonElement json => KubernetesJson.Deserialize<V1Alpha1ZkRsyncSession>(json.GetRawText()),
            _ => KubernetesJson.Deserialize<V1Alpha1ZkRsyncSession>(KubernetesJson.Serialize(item)),
        };
    }

    private sealed class JobClient(IKubernetes kubernetes) : IResourceClient<V1Job>
    {
        public async Task<ResourceList<V1Job>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        {
            var list = @namespace is null
                ? await kubernetes.BatchV1.ListJobForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.BatchV1.ListNamespacedJobAsync(@namespace, labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<V1Job>([.. list.Items], list.Metadata.ResourceVersion);
        }

        public IAsyncEnumerable<(WatchEventType Type, V1Job Object)> WatchAsync(
            string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken) =>
            @namespace is null
                ? kubernetes.BatchV1.WatchListJobForAllNamespacesAsync(
                    allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                    onError: Rethrow, cancellationToken: cancellationToken)
                : kubernetes.BatchV1.WatchListNamespacedJobAsync(
                    @namespace, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                    onError: Rethrow, cancellationToken: cancellationToken);
    }

    private sealed class PodClient(IKubernetes kubernetes) : IResourceClient<V1Pod>
    {
        public async Task<ResourceList<V1Pod>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        {
            var list = @namespace is null
                ? await kubernetes.CoreV1.ListPodForAllNamespacesAsync(labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await kubernetes.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new ResourceList<V1Pod>([.. list.Items], list.Metadata.ResourceVersion);
        }

        public IAsyncEnumerable<(WatchEventType Type, V1Pod Object)> WatchAsync(
            string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken) =>
            @namespace is null
                ? kubernetes.CoreV1.WatchListPodForAllNamespacesAsync(
                    allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                    onError: Rethrow, cancellationToken: cancellationToken)
                : kubernetes.CoreV1.WatchListNamespacedPodAsync(
                    @namespace, allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                    onError: Rethrow, cancellationToken: cancellationToken);
    }
}
