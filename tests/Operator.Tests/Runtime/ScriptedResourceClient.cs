using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Runtime;

/// <summary>An API server's LIST and WATCH for the watcher's own logic: each watch is a channel the test writes
/// events into and closes (a stream that ends) or fails (an ERROR event, 410 among them).</summary>
internal sealed class ScriptedResourceClient : IResourceClient<V1ConfigMap>
{
    private readonly Channel<Channel<(WatchEventType, V1ConfigMap)>> _watches = Channel.CreateUnbounded<Channel<(WatchEventType, V1ConfigMap)>>();

    public List<V1ConfigMap> Objects { get; } = [];

    public string ListVersion { get; set; } = "10";

    public List<string> WatchedFrom { get; } = [];

    public int Lists { get; private set; }

    public Task<ResourceList<V1ConfigMap>> ListAsync(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        Lists++;
        return Task.FromResult(new ResourceList<V1ConfigMap>([.. Objects], ListVersion));
    }

    public async IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> WatchAsync(
        string? @namespace, string? labelSelector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        lock (WatchedFrom)
        {
            WatchedFrom.Add(resourceVersion);
        }

        var stream = Channel.CreateUnbounded<(WatchEventType, V1ConfigMap)>();
        await _watches.Writer.WriteAsync(stream, cancellationToken);
        await foreach (var item in stream.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>The next watch the watcher opens.</summary>
    public async Task<ChannelWriter<(WatchEventType, V1ConfigMap)>> NextWatchAsync(CancellationToken cancellationToken) =>
        (await _watches.Reader.ReadAsync(cancellationToken)).Writer;

    public static V1ConfigMap Map(string name, string version) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = version } };

    public static KubernetesException Gone() =>
        new(new V1Status { Code = (int)HttpStatusCode.Gone, Reason = "Expired", Message = "too old resource version" });
}
