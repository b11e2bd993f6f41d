using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Http;
using ZkSync.LocalCluster.Kubelet.Runtime;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// <c>pods/log</c> served from the kubelet's containers: the current (or last) instance's log, or with
/// <c>previous</c> the one before; a container that has not started answers as the real kubelet does
/// (<c>container "c" in pod "p" is waiting to start: REASON</c>).
/// </summary>
public sealed class KubeletPodLogs : IPodLogSource
{
    private readonly LocalKubelet _kubelet;
    private readonly TimeProvider _time;

    public KubeletPodLogs(LocalKubelet kubelet, TimeProvider time)
    {
        _kubelet = kubelet;
        _time = time;
    }

    public async Task WriteAsync(JsonObject pod, string container, PodLogRequest request, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(request);
        var log = _kubelet.FindSandbox(Metadata.Uid(pod) ?? "")?.GetLog(container, request.Previous);
        if (log is null)
        {
            if (request.Previous)
            {
                throw ApiErrors.BadRequest($"previous terminated container \"{container}\" in pod \"{Metadata.Name(pod)}\" not found");
            }

            var waiting = Statuses(pod).FirstOrDefault(s => JsonValues.String(s["name"]) == container)?["state"]?["waiting"]?["reason"];
            var reason = JsonValues.String(waiting) switch
            {
                "ErrImagePull" or "ImagePullBackOff" => "trying and failing to pull image",
                "InvalidImageName" => "image can't be pulled",
                { Length: > 0 } other => other,
                _ => "ContainerCreating",
            };
            throw ApiErrors.BadRequest($"container \"{container}\" in pod \"{Metadata.Name(pod)}\" is waiting to start: {reason}");
        }

        await log.WriteToAsync(output, new ContainerLogReadOptions
        {
            Follow = request.Follow,
            Timestamps = request.Timestamps,
            TailLines = request.TailLines,
            LimitBytes = request.LimitBytes,
            SinceTime = request.SinceSeconds is { } seconds ? _time.GetUtcNow().AddSeconds(-seconds) : null,
        }, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<JsonObject> Statuses(JsonObject pod) =>
        BuiltInDefaults.Objects(pod["status"]?["containerStatuses"]).Concat(BuiltInDefaults.Objects(pod["status"]?["initContainerStatuses"]));
}
