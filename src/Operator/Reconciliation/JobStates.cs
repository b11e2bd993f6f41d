using k8s.Models;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Reads a Job's and a pod's state from their conditions, as the Job controller writes them.</summary>
public static class JobStates
{
    public static bool IsComplete(V1Job? job) => HasCondition(job, "Complete");

    public static bool IsFailed(V1Job? job) => HasCondition(job, "Failed");

    public static bool IsFinished(V1Job? job) => IsComplete(job) || IsFailed(job);

    /// <summary>"reason: message" of the Job's Failed condition.</summary>
    public static string FailureOf(V1Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var failed = job.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        return failed is null ? "failed" : $"{failed.Reason}: {failed.Message}".Trim(' ', ':');
    }

    /// <summary>When the Job finished: its completion time, else its Failed condition's transition time.</summary>
    public static DateTime? FinishedAt(V1Job? job) =>
        job?.Status?.CompletionTime
        ?? job?.Status?.Conditions?.FirstOrDefault(c => c.Type is "Failed" or "Complete" && c.Status == "True")?.LastTransitionTime;

    public static bool IsPodReady(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Metadata.DeletionTimestamp is null
               && pod.Status?.Phase == "Running"
               && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
    }

    private static bool HasCondition(V1Job? job, string type) =>
        job?.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}
