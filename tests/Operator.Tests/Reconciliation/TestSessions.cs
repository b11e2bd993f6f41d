using k8s.Models;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

/// <summary>Sessions, Jobs and pods as the API server would hand them to the operator, for pure tests.</summary>
internal static class TestSessions
{
    public const string Uid = "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5";
    public static readonly DateTime Created = new(2025, 3, 1, 10, 0, 0, DateTimeKind.Utc);
    public static readonly WorkerDefaults Defaults = new("ghcr.io/example/zksync:1.0", [], ["zkrsync"]);

    public static V1Alpha1ZkRsyncSession New(string name = "home", string ns = "apps", Action<V1Alpha1ZkRsyncSessionSpec>? configure = null)
    {
        var session = new V1Alpha1ZkRsyncSession
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = Uid, Generation = 1, CreationTimestamp = Created },
            Spec = new V1Alpha1ZkRsyncSessionSpec
            {
                Source = new V1Alpha1SourceVolume { ClaimName = "old-home" },
                Destination = new V1Alpha1DestinationVolume { ClaimName = "new-home" },
            },
        };
        configure?.Invoke(session.Spec);
        return session;
    }

    public static V1Job Job(V1Alpha1ZkRsyncSession session, WorkerRole role, int pass = 1, Placement? placement = null)
    {
        var job = WorkerJobBuilder.Build(new WorkerJobRequest(
            session, role, pass, SessionNames.ZooKeeperSession("apps", session.Metadata.Name, Uid, pass), "zk:2181",
            SessionSecretBuilder.CredentialsSecretName(session), placement ?? Placement.Spread, Defaults));
        job.Metadata.CreationTimestamp = Created.AddMinutes(1);
        job.Metadata.Annotations[SessionNames.SpecHashAnnotation] = SpecHash.Of(session.Spec);
        job.Status = new V1JobStatus();
        return job;
    }

    public static V1Job WithCondition(this V1Job job, string type, string reason = "", string message = "", DateTime? at = null)
    {
        job.Status.Conditions ??= [];
        job.Status.Conditions.Add(new V1JobCondition { Type = type, Status = "True", Reason = reason, Message = message, LastTransitionTime = at ?? Created.AddMinutes(30) });
        if (type == "Complete")
        {
            job.Status.CompletionTime = at ?? Created.AddMinutes(30);
        }

        return job;
    }

    public static V1Pod Pod(string name, WorkerRole role, int pass = 1, string phase = "Running", bool ready = true, string? ip = null, string session = "home")
    {
        var labels = SessionNames.Labels(session, role, pass);
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Labels = labels },
            Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "zkrsync" }] },
            Status = new V1PodStatus
            {
                Phase = phase,
                PodIP = ip,
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            },
        };
    }
}
