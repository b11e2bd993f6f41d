using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>A runtime that stops leaves nothing on the host: no process, no mount, no file.</summary>
public sealed class RuntimeCleanupTests
{
    [Fact]
    public async Task Dispose_LeavesNoProcessMountOrFileBehind()
    {
        var root = Path.Combine(Path.GetTempPath(), "zksync-runtime-cleanup-" + Guid.NewGuid().ToString("N")[..8]);
        var mountsBefore = HostScan.MountPoints();
        var hostsBefore = await File.ReadAllTextAsync("/etc/hosts");
        var fraction = Random.Shared.Next(100_000, 999_999);
        var marker = $"8888.{fraction}";
        var daemon = $"""
            m=8888; setsid sh -c 'touch /tmp/daemon-up; exec sleep "$0"' "$m.{fraction}" </dev/null >/dev/null 2>&1 &
            while [ ! -e /tmp/daemon-up ]; do sleep 0.05; done; echo ready; exec sleep 1000
            """;
        var runtime = await ProcessRuntime.StartAsync(RuntimeFixture.Options(root), NullLoggerFactory.Instance);
        try
        {
            var listeners = new[] { new RecordingListener(), new RecordingListener() };
            var shared = TestPods.Pod("cleanup-shared", TestPods.Shell("main", daemon)) with { ShareProcessNamespace = true };
            var own = TestPods.Pod("cleanup-own", TestPods.Shell("main", daemon) with
            {
                VolumeMounts =
                [
                    new V1VolumeMount { Name = "scratch", MountPath = "/scratch" },
                    new V1VolumeMount { Name = "token", MountPath = ServiceAccountVolume.MountPath },
                ],
            }) with
            {
                Volumes = [new EmptyDirVolume("scratch"), ServiceAccountVolume.Create("token", "t", "ca", "runtime-tests")],
                TerminationGracePeriod = TimeSpan.FromSeconds(30), // longer than the runtime's shutdown grace: that one applies
            };
            var pods = new[] { await runtime.RunPodAsync(shared, listeners[0]), await runtime.RunPodAsync(own, listeners[1]) };
            for (var i = 0; i < pods.Length; i++)
            {
                await listeners[i].WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
                await LogWaiter.WaitForTextAsync(pods[i], "main", "ready\n");
            }

            Assert.Equal(2, HostScan.ProcessesWithCommandLineContaining(marker).Count);
            Assert.NotEmpty(HostScan.ProcessesWithCommandLineContaining(root));
        }
        finally
        {
            await runtime.DisposeAsync();
        }

        Assert.False(Directory.Exists(root), "the runtime's directory is still there");
        Assert.Empty(HostScan.ProcessesWithCommandLineContaining(marker));
        Assert.Empty(HostScan.ProcessesWithCommandLineContaining(root));
        Assert.Equal(mountsBefore, HostScan.MountPoints());
        Assert.Equal(hostsBefore, await File.ReadAllTextAsync("/etc/hosts"));
    }

    [Fact]
    public async Task Start_KillsWhatACrashedRuntimeLeftInItsDirectory()
    {
        var root = Path.Combine(Path.GetTempPath(), "zksync-runtime-crashed-" + Guid.NewGuid().ToString("N")[..8]);
        var fraction = Random.Shared.Next(100_000, 999_999);
        var crashed = await ProcessRuntime.StartAsync(RuntimeFixture.Options(root), NullLoggerFactory.Instance);
        ProcessRuntime? next = null;
        try
        {
            var listener = new RecordingListener();
            var script = $"""
                m=9999; sleep "$m.{fraction}" & while ! grep -q "$m.{fraction}" /proc/$!/cmdline; do sleep 0.01; done; echo ready; wait
                """;
            var pod = await crashed.RunPodAsync(TestPods.Pod("left-over", TestPods.Shell("main", script)), listener);
            await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
            await LogWaiter.WaitForTextAsync(pod, "main", "ready\n");
            Assert.Single(HostScan.ProcessesWithCommandLineContaining($"9999.{fraction}"));

            // A second runtime on the same directory, as after a crash of the first: it kills the pod's processes.
            next = await ProcessRuntime.StartAsync(RuntimeFixture.Options(root), NullLoggerFactory.Instance);
            await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

            Assert.Empty(HostScan.ProcessesWithCommandLineContaining($"9999.{fraction}"));
            Assert.Equal(137, pod.GetStatus().ContainerStatuses[0].State.Terminated.ExitCode);
        }
        finally
        {
            await crashed.DisposeAsync();
            if (next is not null)
            {
                await next.DisposeAsync();
            }
        }

        Assert.False(Directory.Exists(root));
    }
}
