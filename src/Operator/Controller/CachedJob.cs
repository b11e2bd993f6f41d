using k8s.Models;

namespace ZkSync.Operator.Controller;

/// <summary>
/// What the Job cache keeps of a Job: its metadata, status, <c>spec.suspend</c>, <c>spec.parallelism</c> and its pod
/// template's tolerations, all the reconciler reads (Jobs are only ever patched, never written back whole). The rest
/// of the pod template (containers, volumes, security contexts), the selector and the pod failure policy were most of
/// a cached Job's memory: at 1,000 sessions in bench/operator the live heap is 27 MB with them dropped, 35 MB with
/// them kept (dotnet-gcdump).
/// </summary>
public static class CachedJob
{
    public static void Trim(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Spec is not { } spec)
        {
            return;
        }

        spec.Selector = null;
        spec.PodFailurePolicy = null;
        spec.SuccessPolicy = null;
        spec.Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [], Tolerations = spec.Template?.Spec?.Tolerations } };
    }
}
