using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>The log source when no kubelet runs pods: every container is waiting to start, and the API says so as a cluster does.</summary>
public sealed class NoPodLogs : IPodLogSource
{
    public Task WriteAsync(JsonObject pod, string container, PodLogRequest request, Stream output, CancellationToken cancellationToken) =>
        throw ApiErrors.BadRequest($"container \"{container}\" in pod \"{Metadata.Name(pod)}\" is waiting to start: ContainerCreating");
}
