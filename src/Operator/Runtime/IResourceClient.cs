using k8s;

namespace ZkSync.Operator.Runtime;

/// <summary>LIST and WATCH of one kind, all namespaces (<c>null</c>) or one, optionally by label selector: all the
/// <see cref="ResourceWatcher{T}"/> needs. A watch's ERROR event must surface as an exception (never swallowed).</summary>
public interface IResourceClient<T>
{
    Task<ResourceList<T>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken);

    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken);
}
