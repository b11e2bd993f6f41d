using System.Globalization;
using k8s;
using k8s.Models;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// Plays what the Job controller, the scheduler and a kubelet would do to the operator's Jobs (the local cluster runs
/// no pods yet), through the API as they do: pods created from a Job's template with its labels and controller
/// reference, their status written through <c>pods/status</c>, and a Job's outcome through <c>jobs/status</c>.
/// </summary>
public sealed class PlayedKubelet(IKubernetes admin, TimeProvider time)
{
    private int _pods;

    /// <summary>A pod of the Job on <paramref name="node"/>, running with <paramref name="ip"/>, ready or not.</summary>
    public async Task<V1Pod> RunPodAsync(V1Job job, string node = "node-a", string ip = "10.244.0.10", bool ready = true, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        var pod = await admin.CoreV1.CreateNamespacedPodAsync(PodOf(job, index, node), job.Metadata.NamespaceProperty).ConfigureAwait(false);
        var now = time.GetUtcNow().UtcDateTime;
        var readiness = ready ? "True" : "False";
        return await PatchStatusAsync(pod, new V1PodStatus
        {
            Phase = "Running",
            HostIP = "192.168.0.1",
            PodIP = ip,
            PodIPs = [new V1PodIP { Ip = ip }],
            StartTime = now,
            Conditions =
            [
                new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = now },
                new V1PodCondition { Type = "Initialized", Status = "True", LastTransitionTime = now },
                new V1PodCondition { Type = "ContainersReady", Status = readiness, LastTransitionTime = now },
                new V1PodCondition { Type = "Ready", Status = readiness, LastTransitionTime = now },
            ],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = job.Spec.Template.Spec.Containers[0].Name,
                    Image = job.Spec.Template.Spec.Containers[0].Image,
                    ImageID = string.Empty,
                    Ready = ready,
                    Started = true,
                    RestartCount = 0,
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } },
                },
            ],
        }).ConfigureAwait(false);
    }

    /// <summary>A pod of the Job the scheduler could not place (Pending, PodScheduled False, Unschedulable).</summary>
    public async Task<V1Pod> UnschedulablePodAsync(V1Job job, string message, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        var pod = await admin.CoreV1.CreateNamespacedPodAsync(PodOf(job, index, node: null), job.Metadata.NamespaceProperty).ConfigureAwait(false);
        return await PatchStatusAsync(pod, new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = message, LastTransitionTime = time.GetUtcNow().UtcDateTime }],
        }).ConfigureAwait(false);
    }

    /// <summary>The Job succeeded (every completion done), as the Job controller records it.</summary>
    public Task CompleteJobAsync(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = time.GetUtcNow().UtcDateTime;
        return PatchJobStatusAsync(job, new V1JobStatus
        {
            StartTime = job.Metadata.CreationTimestamp ?? now,
            CompletionTime = now,
            Succeeded = job.Spec.Completions ?? 1,
            Conditions =
            [
                new V1JobCondition { Type = "SuccessCriteriaMet", Status = "True", LastProbeTime = now, LastTransitionTime = now },
                new V1JobCondition { Type = "Complete", Status = "True", LastProbeTime = now, LastTransitionTime = now },
            ],
        });
    }

    /// <summary>The Job failed, as the Job controller records it (reason e.g. PodFailurePolicy, BackoffLimitExceeded).</summary>
    public Task FailJobAsync(V1Job job, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = time.GetUtcNow().UtcDateTime;
        return PatchJobStatusAsync(job, new V1JobStatus
        {
            StartTime = job.Metadata.CreationTimestamp ?? now,
            Failed = 1,
            Conditions =
            [
                new V1JobCondition { Type = "FailureTarget", Status = "True", Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now },
                new V1JobCondition { Type = "Failed", Status = "True", Reason = reason, Message = message, LastProbeTime = now, LastTransitionTime = now },
            ],
        });
    }

    private V1Pod PodOf(V1Job job, int index, string? node)
    {
        var template = job.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["batch.kubernetes.io/job-name"] = job.Metadata.Name,
            ["job-name"] = job.Metadata.Name,
            ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid,
            ["controller-uid"] = job.Metadata.Uid,
        };
        var indexed = job.Spec.CompletionMode == "Indexed";
        if (indexed)
        {
            labels["batch.kubernetes.io/job-completion-index"] = index.ToString(CultureInfo.InvariantCulture);
        }

        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
        spec.NodeName = node;
        var suffix = Interlocked.Increment(ref _pods).ToString("x5", CultureInfo.InvariantCulture);
        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = indexed ? $"{job.Metadata.Name}-{index}-{suffix}" : $"{job.Metadata.Name}-{suffix}",
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
                ],
            },
            Spec = spec,
        };
    }

    private Task<V1Pod> PatchStatusAsync(V1Pod pod, V1PodStatus status) =>
        admin.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), pod.Metadata.Name, pod.Metadata.NamespaceProperty);

    private Task PatchJobStatusAsync(V1Job job, V1JobStatus status) =>
        admin.BatchV1.PatchNamespacedJobStatusAsync(
            new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), job.Metadata.Name, job.Metadata.NamespaceProperty);
}
