using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// Where <c>pods/log</c> reads a container's log: the kubelet's (issue 13) when one runs pods; without
/// one, every container is still waiting to start, as on a cluster whose pods are not scheduled.
/// </summary>
public interface IPodLogSource
{
    /// <summary>Writes the log of <paramref name="container"/> of <paramref name="pod"/> to <paramref name="output"/>; throws ApiException when there is none.</summary>
    Task WriteAsync(JsonObject pod, string container, PodLogRequest request, Stream output, CancellationToken cancellationToken);
}
