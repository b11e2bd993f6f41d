using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>Probes against real servers in pods: readiness gates Ready, liveness restarts, startup gates both.</summary>
public sealed class PodProbeTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>, IDisposable
{
    private readonly string _hostDirectory = Directory.CreateTempSubdirectory("runtime-probe-").FullName;

    public void Dispose() => Directory.Delete(_hostDirectory, recursive: true);

    [Fact]
    public async Task ReadinessHttpProbe_FlipsReadyWithTheServersAnswer()
    {
        var spec = TestPods.Pod("readiness", new ContainerSpec
        {
            Name = "web",
            Argv = ["/usr/bin/python3", "-m", "http.server", "8080", "--directory", "/www"],
            Environment = [new("PYTHONDONTWRITEBYTECODE", "1")],
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
            VolumeMounts = [new V1VolumeMount { Name = "www", MountPath = "/www", ReadOnlyProperty = true }],
            ReadinessProbe = new V1Probe
            {
                HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 1, FailureThreshold = 1, TimeoutSeconds = 5,
            },
        }) with { Volumes = [new HostPathVolume("www", _hostDirectory)] };
        spec = WithBindAddress(spec);
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await listener.WaitForEventAsync(e => e.Reason == "Unhealthy" && e.Message == "Readiness probe failed: HTTP probe failed with statuscode: 404");
        Assert.False(pod.GetStatus().ContainerStatuses[0].Ready);

        await File.WriteAllTextAsync(Path.Combine(_hostDirectory, "ready"), "ok");
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].Ready == true);
        File.Delete(Path.Combine(_hostDirectory, "ready"));
        var notReady = await listener.WaitForProbeResultAsync(r => r is { Kind: ProbeKind.Readiness, Success: false });

        Assert.Equal("HTTP probe failed with statuscode: 404", notReady.Message);
        Assert.Equal([true, false], listener.ProbeResults.Where(r => r.Kind == ProbeKind.Readiness).Select(r => r.Success));
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].Ready == false && s.ContainerStatuses[0].State.Running is not null
            && listener.Statuses.Any(earlier => earlier.ContainerStatuses[0].Ready == true));
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task LivenessExecProbe_FailingRestartsTheContainer()
    {
        await File.WriteAllTextAsync(Path.Combine(_hostDirectory, "healthy"), "yes");
        var spec = TestPods.Pod("liveness", TestPods.Shell("main", "trap 'exit 0' TERM; echo up; while :; do sleep 0.1; done") with
        {
            VolumeMounts = [new V1VolumeMount { Name = "state", MountPath = "/state" }],
            LivenessProbe = new V1Probe
            {
                Exec = new V1ExecAction { Command = ["cat", "/state/healthy"] }, PeriodSeconds = 1, FailureThreshold = 1, TimeoutSeconds = 5,
            },
        }) with
        {
            RestartPolicy = PodRestartPolicy.Always,
            Volumes = [new HostPathVolume("state", _hostDirectory)],
        };
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await LogWaiter.WaitForTextAsync(pod, "main", "up\n");

        File.Delete(Path.Combine(_hostDirectory, "healthy"));
        var failed = await listener.WaitForProbeResultAsync(r => r is { Kind: ProbeKind.Liveness, Success: false });
        await listener.WaitForEventAsync(e => e.Reason == "Killing" && e.Message == "Container main failed liveness probe, will be restarted");
        var restarted = await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].RestartCount == 1);

        Assert.Contains("No such file or directory", failed.Message, StringComparison.Ordinal);
        Assert.Equal((0, "Completed"), (restarted.ContainerStatuses[0].LastState.Terminated.ExitCode, restarted.ContainerStatuses[0].LastState.Terminated.Reason));
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartupTcpProbe_HoldsBackReadinessUntilItSucceeds()
    {
        var spec = TestPods.Pod("startup", new ContainerSpec
        {
            Name = "web",
            Argv = ["/bin/sh", "-c", "echo waiting; sleep 2; exec /usr/bin/python3 -m http.server 8080 --bind \"$POD_IP\""],
            StartupProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 1, FailureThreshold = 30, TimeoutSeconds = 5 },
            ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["true"] }, PeriodSeconds = 1, TimeoutSeconds = 5 },
        });
        spec = WithBindAddress(spec);
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var running = await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].Ready == true);

        Assert.Equal((false, false), (running.ContainerStatuses[0].Started, running.ContainerStatuses[0].Ready));
        Assert.Equal([(ProbeKind.Startup, true), (ProbeKind.Readiness, true)], listener.ProbeResults.Select(r => (r.Kind, r.Success)));
        Assert.Contains(listener.Events, e => e.Reason == "Unhealthy" && e.Message.StartsWith("Startup probe failed: dial tcp", StringComparison.Ordinal));
        await pod.RemoveAsync(CancellationToken.None);
    }

    /// <summary>Servers bind the pod's address, passed as POD_IP (the downward API's status.podIP).</summary>
    private static PodSandboxSpec WithBindAddress(PodSandboxSpec spec) => spec with
    {
        Containers = spec.Containers.Select(container => container with
        {
            Environment = [.. container.Environment, new("POD_IP", spec.PodIP.ToString())],
            Argv = container.Argv.Contains("--directory") ? [.. container.Argv, "--bind", spec.PodIP.ToString()] : container.Argv,
        }).ToList(),
    };
}
