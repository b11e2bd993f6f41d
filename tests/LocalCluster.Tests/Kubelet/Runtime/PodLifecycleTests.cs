using System.Diagnostics;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>How containers end, are stopped and restart.</summary>
public sealed class PodLifecycleTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public async Task Containers_EndWithTheirExitCodesReasonsAndTerminationMessages()
    {
        var spec = TestPods.Pod("exits",
            TestPods.Shell("completes", "echo done"),
            TestPods.Shell("fails", "printf 'disk full' > /dev/termination-log; exit 3"),
            TestPods.Shell("custom-path", "echo 'from a custom path' > /tmp/reason; exit 4") with { TerminationMessagePath = "/tmp/reason" },
            TestPods.Shell("falls-back", "echo first; echo last >&2; exit 2") with
            {
                TerminationMessagePolicy = TerminationMessagePolicy.FallbackToLogsOnError,
            },
            new ContainerSpec { Name = "missing", Argv = ["no-such-program", "x"] });
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        var terminated = status.ContainerStatuses.ToDictionary(c => c.Name, c => c.State.Terminated);
        Assert.Equal((0, "Completed", null), Summary(terminated["completes"]));
        Assert.Equal((3, "Error", "disk full"), Summary(terminated["fails"]));
        Assert.Equal((4, "Error", "from a custom path\n"), Summary(terminated["custom-path"]));
        // The log's tail, both streams: stdout and stderr come through two pipes (as through containerd's two FIFOs), so
        // the order of lines written to different streams is not defined.
        var fallback = Summary(terminated["falls-back"]);
        Assert.Equal((2, "Error"), (fallback.Item1, fallback.Item2));
        Assert.Equal(["first", "last"], fallback.Item3?.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal((128, "StartError", "exec: \"no-such-program\": executable file not found in $PATH"), Summary(terminated["missing"]));
        foreach (var container in status.ContainerStatuses.Where(c => c.Name != "missing"))
        {
            Assert.True(container.State.Terminated.StartedAt <= container.State.Terminated.FinishedAt, container.Name);
            Assert.StartsWith("process://", container.ContainerID, StringComparison.Ordinal);
        }

        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stop_SendsSigtermToTheContainersProcessGroup()
    {
        var spec = TestPods.Pod("sigterm", TestPods.Shell("main", "trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.1; done")) with
        {
            TerminationGracePeriod = TimeSpan.FromSeconds(20),
        };
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await LogWaiter.WaitForTextAsync(pod, "main", "ready\n");

        var stopwatch = Stopwatch.StartNew();
        await pod.StopAsync(null, CancellationToken.None);

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed}: SIGTERM was not delivered");
        var terminated = pod.GetStatus().ContainerStatuses[0].State.Terminated;
        Assert.Equal((0, "Completed"), (terminated.ExitCode, terminated.Reason));
        Assert.Contains("got-term\n", await TestPods.ReadLogAsync(pod, "main"), StringComparison.Ordinal);
        await listener.WaitForEventAsync(e => e.Reason == "Killing" && e.Message == "Stopping container main");
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stop_KillsAContainerIgnoringSigtermAfterTheGracePeriod()
    {
        var spec = TestPods.Pod("sigkill", TestPods.Shell("main", "trap '' TERM; echo ready; while :; do sleep 0.1; done"));
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await LogWaiter.WaitForTextAsync(pod, "main", "ready\n");

        var stopwatch = Stopwatch.StartNew();
        await pod.StopAsync(TimeSpan.FromSeconds(1.5), CancellationToken.None);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1.5), $"killed after {stopwatch.Elapsed}, before the grace period ended");
        var terminated = pod.GetStatus().ContainerStatuses[0].State.Terminated;
        Assert.Equal((137, "Error"), (terminated.ExitCode, terminated.Reason));
        await pod.RemoveAsync(CancellationToken.None);
    }

    // The container's main process has no SIGTERM handler: as PID 1 of its own namespace it ignores SIGTERM (as in
    // a container) and is killed after the grace period (137); in the pod's shared namespace SIGTERM kills it (143).
    [Theory]
    [InlineData(false, 137)]
    [InlineData(true, 143)]
    public async Task Stop_KillsDaemonsTheContainerStarted(bool shareProcessNamespace, int exitCode)
    {
        var fraction = Random.Shared.Next(100_000, 999_999);
        var marker = $"7777.{fraction}";
        // The marker is put together by the shell, so only the daemon's command line holds it.
        var script = $"""
            m=7777; setsid sh -c 'touch /tmp/daemon-up; exec sleep "$0"' "$m.{fraction}" </dev/null >/dev/null 2>&1 &
            while [ ! -e /tmp/daemon-up ]; do sleep 0.05; done; echo ready; exec sleep 1000
            """;
        var spec = TestPods.Pod("daemon", TestPods.Shell("main", script)) with
        {
            ShareProcessNamespace = shareProcessNamespace,
            TerminationGracePeriod = TimeSpan.FromSeconds(1),
        };
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await LogWaiter.WaitForTextAsync(pod, "main", "ready\n");
        Assert.Single(HostScan.ProcessesWithCommandLineContaining(marker));

        await pod.StopAsync(null, CancellationToken.None);

        Assert.Empty(HostScan.ProcessesWithCommandLineContaining(marker));
        Assert.Equal(exitCode, pod.GetStatus().ContainerStatuses[0].State.Terminated.ExitCode);
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RestartPolicyAlways_RestartsWithTheKubeletsBackOff()
    {
        var spec = TestPods.Pod("crash", TestPods.Shell("main", "echo \"run at $(date +%s%N)\"; exit 1")) with
        {
            RestartPolicy = PodRestartPolicy.Always,
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].RestartCount >= 3 && s.ContainerStatuses[0].State.Terminated is not null);
        await pod.StopAsync(TimeSpan.Zero, CancellationToken.None);

        var statuses = listener.Statuses.Select(s => s.ContainerStatuses[0]).ToList();
        // Each instance's run, from its terminated state: restart n started after instance n-1 finished.
        var runs = statuses.Where(s => s.State.Terminated is not null)
            .GroupBy(s => s.RestartCount).OrderBy(g => g.Key).Select(g => g.First().State.Terminated).Take(4).ToList();
        Assert.Equal(4, runs.Count);
        Assert.All(runs, run => Assert.Equal((1, "Error"), (run.ExitCode, run.Reason)));
        var waits = Enumerable.Range(1, 3).Select(n => runs[n].StartedAt!.Value - runs[n - 1].FinishedAt!.Value).ToList();
        Assert.True(waits[1] >= RuntimeFixture.InitialBackOff, $"second restart after {waits[1]}");
        Assert.True(waits[2] >= RuntimeFixture.InitialBackOff * 2, $"third restart after {waits[2]}");
        // The first restart is immediate: no back-off before it; then 400ms, then 800ms.
        var backOffs = statuses.Where(s => s.State.Waiting?.Reason == "CrashLoopBackOff")
            .Select(s => (s.RestartCount, s.State.Waiting.Message)).Distinct().ToList();
        Assert.Equal(
            [
                (1, $"back-off 400ms restarting failed container=main pod={spec.Name}_runtime-tests({spec.Uid})"),
                (2, $"back-off 800ms restarting failed container=main pod={spec.Name}_runtime-tests({spec.Uid})"),
            ],
            backOffs.Take(2));
        Assert.Equal(1, statuses.First(s => s.State.Waiting?.Reason == "CrashLoopBackOff").LastState.Terminated.ExitCode);
        Assert.StartsWith("run at", await TestPods.ReadLogAsync(pod, "main", previous: true), StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z run at \d+\n$",
            await TestPods.ReadLogAsync(pod, "main", new ContainerLogReadOptions { Timestamps = true }));
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RestartPolicyOnFailure_RestartsAFailureButNotASuccess()
    {
        var spec = TestPods.Pod("on-failure", TestPods.Shell("main", "if [ -e /state/failed-once ]; then exit 0; fi; touch /state/failed-once; exit 5") with
        {
            VolumeMounts = [new V1VolumeMount { Name = "state", MountPath = "/state" }],
        }) with
        {
            RestartPolicy = PodRestartPolicy.OnFailure,
            Volumes = [new EmptyDirVolume("state")],
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        var container = status.ContainerStatuses[0];
        Assert.Equal((1, 0, "Completed", 5), (container.RestartCount, container.State.Terminated.ExitCode, container.State.Terminated.Reason,
            container.LastState.Terminated.ExitCode));
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task HostMountGoneAfterThePodStarted_DoesNotKeepItsContainerFromRestarting()
    {
        // The root a container sees repeats the host's mounts as the pod found them; a test's tmpfs under /tmp that is
        // unmounted and removed later (other tests run beside the cluster) must not fail the pod's next container start.
        var host = Directory.CreateTempSubdirectory("runtime-vanishing-").FullName;
        var state = Directory.CreateDirectory(Path.Combine(host, "state")).FullName;
        var vanishing = Directory.CreateDirectory(Path.Combine(host, "vanishing")).FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", vanishing);
        try
        {
            var script = $$"""
                if [ -e /state/released ]; then echo "second run: $(test -e '{{vanishing}}/.' && echo present || echo absent)"; exit 0; fi
                echo "first run"
                while [ ! -e /state/released ]; do sleep 0.05; done
                exit 5
                """;
            var spec = TestPods.Pod("vanishing-mount", TestPods.Shell("main", script) with
            {
                VolumeMounts = [new V1VolumeMount { Name = "state", MountPath = "/state" }],
            }) with
            {
                RestartPolicy = PodRestartPolicy.OnFailure,
                Volumes = [new HostPathVolume("state", state)],
            };
            var listener = new RecordingListener();

            var pod = await fixture.Runtime.RunPodAsync(spec, listener);
            await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
            await LogWaiter.WaitForTextAsync(pod, "main", "first run");
            await RunAsync("umount", vanishing);
            Directory.Delete(vanishing);
            await File.WriteAllTextAsync(Path.Combine(state, "released"), "");
            var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

            var log = await TestPods.ReadLogAsync(pod, "main");
            var container = status.ContainerStatuses[0];
            Assert.True((1, 0, 5) == (container.RestartCount, container.State.Terminated?.ExitCode, container.LastState.Terminated?.ExitCode), log);
            Assert.Contains("second run: absent", log, StringComparison.Ordinal);
            await pod.RemoveAsync(CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(vanishing))
            {
                await RunAsync("umount", vanishing);
            }

            Directory.Delete(host, recursive: true);
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await Support.CommandRunner.RunAsync(program, arguments, new Dictionary<string, string>(), null, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"{result.Command}: {result.Error}");
    }

    [Fact]
    public async Task InitContainers_RunInOrderToSuccessBeforeTheContainers()
    {
        V1VolumeMount[] mounts = [new V1VolumeMount { Name = "work", MountPath = "/work" }];
        var spec = TestPods.Pod("init", TestPods.Shell("main", "cat /work/order") with { VolumeMounts = mounts }) with
        {
            InitContainers =
            [
                TestPods.Shell("first", "echo first >> /work/order") with { VolumeMounts = mounts },
                TestPods.Shell("second", "echo second >> /work/order") with { VolumeMounts = mounts },
            ],
            Volumes = [new EmptyDirVolume("work")],
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        Assert.Equal("first\nsecond\n", await TestPods.ReadLogAsync(pod, "main"));
        Assert.All(status.InitContainerStatuses, init => Assert.Equal("Completed", init.State.Terminated.Reason));
        Assert.Contains(listener.Statuses, s => s.ContainerStatuses[0].State.Waiting?.Reason == "PodInitializing");
        await pod.RemoveAsync(CancellationToken.None);
    }

    private static (int, string, string?) Summary(V1ContainerStateTerminated terminated) =>
        (terminated.ExitCode, terminated.Reason, terminated.Message);
}
