using k8s.Models;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class VolumePlacementPlannerTests
{
    private static V1PersistentVolumeClaim Claim(string name, params string[] modes) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps" },
        Spec = new V1PersistentVolumeClaimSpec { AccessModes = modes },
    };

    private static V1Pod AppPod(string name, string node, string claim, string phase = "Running", params V1Toleration[] tolerations) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps" },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Tolerations = tolerations,
            Volumes = [new V1Volume { Name = "v", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
        Status = new V1PodStatus { Phase = phase },
    };

    [Fact]
    public void ReadWriteManyClaims_SpreadThePods()
    {
        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteMany"), Claim("new-home", "ReadWriteMany", "ReadWriteOnce"), []);

        Assert.Null(decision.Problem);
        Assert.Equal(Placement.Spread, decision.Master);
        Assert.False(decision.WorkersFollowMaster);
    }

    [Fact]
    public void ReadOnlyManySource_Spreads() =>
        Assert.Equal(Placement.Spread, VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadOnlyMany"), Claim("new-home", "ReadWriteMany"), []).Master);

    [Fact]
    public void ReadWriteOnceClaimInUse_PinsEveryPodToItsNode_WithTheUsersTolerations()
    {
        var toleration = new V1Toleration { Key = "dedicated", Value = "db", Effect = "NoSchedule" };
        var pods = new[] { AppPod("app-0", "node-3", "old-home", tolerations: toleration), AppPod("other", "node-9", "unrelated") };

        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteOnce"), Claim("new-home", "ReadWriteMany"), pods);

        Assert.Null(decision.Problem);
        Assert.Equal("node-3", decision.Master.Node);
        Assert.Equal("dedicated", Assert.Single(decision.Master.Tolerations).Key);
        Assert.False(decision.WorkersFollowMaster);
    }

    [Theory]
    [InlineData("ReadWriteOnce", "ReadWriteMany")]
    [InlineData("ReadWriteMany", "ReadWriteOnce")]
    [InlineData("ReadWriteOnce", "ReadWriteOnce")]
    public void ReadWriteOnceClaimNotInUse_SendsEveryPodWithTheSessionsOwnPods(string source, string destination)
    {
        var pods = new[] { AppPod("done", "node-1", "old-home", phase: "Succeeded"), AppPod("elsewhere", "node-2", "unrelated") };

        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", source), Claim("new-home", destination), pods);

        Assert.Null(decision.Problem);
        Assert.Equal(Placement.WithSession, decision.Master);
        Assert.False(decision.WorkersFollowMaster);
    }

    [Fact]
    public void ReadWriteOnceClaimNotInUse_WithTheUsersOwnRequiredPodAffinity_PinsTheWorkersToTheMastersNode()
    {
        // The scheduler wants one pod that matches every required term: the session's own term could not join the user's.
        var session = TestSessions.New(configure: s => s.Workers = new V1Alpha1WorkerOptions
        {
            Affinity = new V1Affinity
            {
                PodAffinity = new V1PodAffinity
                {
                    RequiredDuringSchedulingIgnoredDuringExecution =
                    [
                        new V1PodAffinityTerm
                        {
                            TopologyKey = "topology.kubernetes.io/zone",
                            LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "nfs" } },
                        },
                    ],
                },
            },
        });

        var decision = VolumePlacementPlanner.Plan(session, Claim("old-home", "ReadWriteOnce"), Claim("new-home", "ReadWriteMany"), []);

        Assert.Equal(Placement.Spread, decision.Master);
        Assert.True(decision.WorkersFollowMaster);
    }

    [Fact]
    public void ReadWriteOnceClaimInUse_AndAnotherNotInUse_PinsEveryPodToTheUsersNode()
    {
        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteOnce"), Claim("new-home", "ReadWriteOnce"),
            [AppPod("app-0", "node-3", "new-home")]);

        Assert.Equal(("node-3", false, false), (decision.Master.Node, decision.Master.WithSessionPods, decision.WorkersFollowMaster));
    }

    [Fact]
    public void TheSessionsOwnPods_DoNotPinIt()
    {
        var own = TestSessions.Pod("home-master-abc", WorkerRole.Master);
        own.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "old-home" } }];

        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteOnce"), Claim("new-home", "ReadWriteMany"), [own]);

        Assert.Equal(Placement.WithSession, decision.Master);
    }

    [Fact]
    public void ReadWriteOnceClaimsInUseOnTwoNodes_FailWithVolumeAccessMode_NamingBoth()
    {
        var pods = new[] { AppPod("old-app", "node-1", "old-home"), AppPod("new-app", "node-2", "new-home") };

        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteOnce"), Claim("new-home", "ReadWriteOnce"), pods);

        Assert.Equal((ConditionTypes.Failed, ConditionReasons.VolumeAccessMode), (decision.Problem?.ConditionType, decision.Problem?.Reason));
        Assert.Contains("node-1", decision.Problem!.Message, StringComparison.Ordinal);
        Assert.Contains("node-2", decision.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWriteOncePodClaim_FailsWithVolumeAccessMode_SayingWhy()
    {
        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteOncePod"), Claim("new-home", "ReadWriteMany"), []);

        Assert.Equal(ConditionReasons.VolumeAccessMode, decision.Problem?.Reason);
        Assert.Contains("spec.source.claimName: claim old-home is ReadWriteOncePod", decision.Problem!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingClaim_Stalls_NamingTheField()
    {
        var decision = VolumePlacementPlanner.Plan(TestSessions.New(), Claim("old-home", "ReadWriteMany"), null, []);

        Assert.Equal((ConditionTypes.Stalled, ConditionReasons.ClaimNotFound), (decision.Problem?.ConditionType, decision.Problem?.Reason));
        Assert.Equal("spec.destination.claimName: PersistentVolumeClaim new-home not found in namespace apps", decision.Problem!.Message);
    }

    [Fact]
    public void TheSameClaimAsSourceAndDestination_IsRefused()
    {
        var session = TestSessions.New(configure: s => s.Destination.ClaimName = "old-home");
        var decision = VolumePlacementPlanner.Plan(session, Claim("old-home", "ReadWriteMany"), Claim("old-home", "ReadWriteMany"), []);
        Assert.Equal(ConditionReasons.InvalidSpec, decision.Problem?.Reason);
    }

    [Fact]
    public void InlineVolumes_Spread()
    {
        var session = TestSessions.New(configure: s =>
        {
            s.Source = new V1Alpha1SourceVolume { Volume = new V1Volume { Nfs = new V1NFSVolumeSource { Server = "a", Path = "/" } } };
            s.Destination = new V1Alpha1DestinationVolume { Volume = new V1Volume { Nfs = new V1NFSVolumeSource { Server = "b", Path = "/" } } };
        });

        var decision = VolumePlacementPlanner.Plan(session, null, null, []);

        Assert.Equal((null, Placement.Spread, false), (decision.Problem, decision.Master, decision.WorkersFollowMaster));
    }

    [Fact]
    public void AccessModes_OfABoundClaim_AreTheVolumes()
    {
        var claim = Claim("c", "ReadWriteOnce");
        claim.Status = new V1PersistentVolumeClaimStatus { AccessModes = ["ReadWriteMany"] };
        Assert.Equal(["ReadWriteMany"], VolumePlacementPlanner.AccessModes(claim));
    }
}
