using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>Who a container's processes run as, and the kubelet's runAsNonRoot check.</summary>
public sealed class PodSecurityTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public async Task RunAsUserGroupAndGroups_AreTheProcesssIds()
    {
        var spec = TestPods.Pod("ids", TestPods.Shell("main", "echo \"ids=$(id -u) $(id -g) $(id -G)\"; echo \"scratch=$(stat -c '%g %a' /scratch)\"") with
        {
            VolumeMounts = [new V1VolumeMount { Name = "scratch", MountPath = "/scratch" }],
        }) with
        {
            SecurityContext = new V1PodSecurityContext
            {
                RunAsUser = 1000, RunAsGroup = 3000, SupplementalGroups = [4000], FsGroup = 2000, SupplementalGroupsPolicy = "Strict",
                RunAsNonRoot = true,
            },
            Volumes = [new EmptyDirVolume("scratch")],
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        var log = await TestPods.ReadLogAsync(pod, "main");
        var ids = log.Split('\n')[0].Split(' ');
        Assert.Equal(["ids=1000", "3000"], ids[..2]);
        Assert.Equal(["2000", "3000", "4000"], ids[2..].Distinct().Order(StringComparer.Ordinal)); // id -G: the gid, then the groups
        Assert.Contains("scratch=2000 2777\n", log, StringComparison.Ordinal);
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RunAsNonRoot_WithAnImageRunningAsRoot_IsRefusedWithTheKubeletsMessage()
    {
        var spec = TestPods.Pod("non-root", TestPods.Shell("main", "echo should-not-run")) with
        {
            SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true },
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var status = await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Waiting?.Reason == "CreateContainerConfigError");

        Assert.Equal($"container has runAsNonRoot and image will run as root (pod: \"{spec.Name}_runtime-tests({spec.Uid})\", container: main)",
            status.ContainerStatuses[0].State.Waiting.Message);
        await listener.WaitForEventAsync(e => e is { Type: "Warning", Reason: "Failed" } && e.Message.Contains("runAsNonRoot", StringComparison.Ordinal));
        Assert.Null(pod.GetLog("main"));
        await pod.StopAsync(TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(PodSandboxState.Stopped, pod.GetStatus().State);
        await pod.RemoveAsync(CancellationToken.None);
    }
}
