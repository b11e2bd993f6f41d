using k8s;
using k8s.Models;
using ZkSync.Operator.Controller;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Reconciliation;

namespace ZkSync.Operator.Tests.Controller;

public sealed class CachedJobTests
{
    [Fact]
    public void Trim_KeepsWhatTheReconcilerReads_AndDropsTheRestOfThePodTemplate()
    {
        var session = TestSessions.New();
        var toleration = new V1Toleration { Key = "dedicated", OperatorProperty = "Equal", Value = "storage", Effect = "NoSchedule" };
        var job = TestSessions.Job(session, WorkerRole.Sources, pass: 3, new Placement("node-a", [toleration])).WithCondition("Complete");
        job.Spec.Suspend = true;
        var metadata = KubernetesJson.Serialize(job.Metadata);
        var status = KubernetesJson.Serialize(job.Status);
        var parallelism = job.Spec.Parallelism;
        var size = KubernetesJson.Serialize(job).Length;

        CachedJob.Trim(job);

        Assert.Equal(metadata, KubernetesJson.Serialize(job.Metadata));
        Assert.Equal(status, KubernetesJson.Serialize(job.Status));
        Assert.Equal((parallelism, true), (job.Spec.Parallelism, job.Spec.Suspend));
        Assert.Equal("storage", Assert.Single(job.Spec.Template.Spec.Tolerations).Value);
        Assert.Empty(job.Spec.Template.Spec.Containers);
        Assert.Null(job.Spec.Template.Spec.Volumes);
        Assert.Null(job.Spec.PodFailurePolicy);
        Assert.True(KubernetesJson.Serialize(job).Length < size / 2, "the trimmed Job should be much smaller");

        // The reconciler's reads of it still answer.
        var pass = PassView.From(3, [job], []);
        Assert.Same(job, pass.Sources);
        Assert.True(JobStates.IsComplete(job));
    }

    [Fact]
    public void Trim_OfAJobWithoutSpec_LeavesItAlone()
    {
        var job = new V1Job { Metadata = new V1ObjectMeta { Name = "x" } };
        CachedJob.Trim(job);
        Assert.Null(job.Spec);
    }
}
