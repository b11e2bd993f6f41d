using System.Text;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>What a container sees: its volumes at their mount paths, its environment, the pod's /etc/hosts,
/// hostname and address, and a root whose writes stay in the container.</summary>
public sealed class PodIsolationTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>, IDisposable
{
    private readonly string _hostDirectory = Directory.CreateTempSubdirectory("runtime-volume-").FullName;

    public void Dispose() => Directory.Delete(_hostDirectory, recursive: true);

    [Fact]
    public async Task Container_SeesItsVolumesEnvironmentHostsFileAndAddress()
    {
        await File.WriteAllTextAsync(Path.Combine(_hostDirectory, "data.txt"), "from the host");
        var marker = "/runtime-test-" + Guid.NewGuid().ToString("N")[..8];
        var config = KeyToPathProjection.Project("ConfigMap", new Dictionary<string, byte[]> { ["app.conf"] = "key=value"u8.ToArray() },
            [new V1KeyToPath { Key = "app.conf", Path = "app.conf", Mode = 0x100 }], ProjectedFilesVolume.DefaultFileMode, optional: false);
        const string script = """
            echo "pid=$$ hostname=$(hostname) etc-hostname=$(cat /etc/hostname)"
            echo "hosts-self=$(grep -cx "$(printf '%s\t%s' "$POD_IP" "$(hostname)")" /etc/hosts) hosts-zk=$(grep zk.data /etc/hosts)"
            echo "data=$(cat /data/data.txt)"; echo written > /data/from-container
            touch /readonly/x 2>&1
            echo scratch > /scratch/s && echo "scratch=$(cat /scratch/s)"
            echo "config=$(cat /etc/app/app.conf) mode=$(stat -L -c %a /etc/app/app.conf) sub=$(cat /app.conf)"
            echo "namespace=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace) token=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)"
            touch /var/run/secrets/kubernetes.io/serviceaccount/x 2>&1
            echo "env=$GREETING"
            echo root > "$MARKER" && echo "root-write=$(cat "$MARKER")"
            """;
        var spec = TestPods.Pod("isolation", TestPods.Shell("main", script) with
        {
            Environment = [new("GREETING", "overridden"), new("GREETING", "hello"), new("MARKER", marker)],
            VolumeMounts =
            [
                new V1VolumeMount { Name = "shared", MountPath = "/data" },
                new V1VolumeMount { Name = "shared", MountPath = "/readonly", ReadOnlyProperty = true },
                new V1VolumeMount { Name = "scratch", MountPath = "/scratch" },
                new V1VolumeMount { Name = "config", MountPath = "/etc/app" },
                new V1VolumeMount { Name = "config", MountPath = "/app.conf", SubPath = "app.conf" },
                new V1VolumeMount { Name = "token", MountPath = ServiceAccountVolume.MountPath },
            ],
        }) with
        {
            NameEntries = [new HostEntry(TestPods.NextAddress(), ["zk", "zk.data"])],
            Volumes =
            [
                new HostPathVolume("shared", _hostDirectory), new EmptyDirVolume("scratch"), new ProjectedFilesVolume("config", config),
                ServiceAccountVolume.Create("token", "the-token", "CA", "runtime-tests"),
            ],
        };
        spec = spec with
        {
            Containers = [spec.Containers[0] with { Environment = [.. spec.Containers[0].Environment, new("POD_IP", spec.PodIP.ToString())] }],
        };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        var log = await TestPods.ReadLogAsync(pod, "main");
        Assert.True(status.ContainerStatuses[0].State.Terminated?.ExitCode == 0, log);
        Assert.Contains($"pid=1 hostname={spec.Name} etc-hostname={spec.Name}\n", log, StringComparison.Ordinal);
        Assert.Contains($"hosts-self=1 hosts-zk={spec.NameEntries[0].Address}\tzk\tzk.data\n", log, StringComparison.Ordinal);
        Assert.Contains("data=from the host\n", log, StringComparison.Ordinal);
        Assert.Contains("touch: cannot touch '/readonly/x': Read-only file system\n", log, StringComparison.Ordinal);
        Assert.Contains("scratch=scratch\n", log, StringComparison.Ordinal);
        Assert.Contains("config=key=value mode=400 sub=key=value\n", log, StringComparison.Ordinal);
        Assert.Contains("namespace=runtime-tests token=the-token\n", log, StringComparison.Ordinal);
        Assert.Contains("cannot touch '/var/run/secrets/kubernetes.io/serviceaccount/x': Read-only file system", log, StringComparison.Ordinal);
        Assert.Contains("env=hello\n", log, StringComparison.Ordinal);
        Assert.Contains("root-write=root\n", log, StringComparison.Ordinal);
        Assert.Equal("written\n", await File.ReadAllTextAsync(Path.Combine(_hostDirectory, "from-container")));
        Assert.False(File.Exists(Path.Combine(_hostDirectory, "x")));
        Assert.False(File.Exists(marker), "a write to the container's root reached the host");
        Assert.True(Directory.Exists(pod.Directory), "the pod's files (its logs) went before it was removed");
        await pod.RemoveAsync(CancellationToken.None);
        Assert.False(Directory.Exists(pod.Directory));
        Assert.Empty(HostScan.ProcessesWithCommandLineContaining(pod.Directory));
        Assert.Null(fixture.Runtime.FindPod(spec.Uid));
    }

    [Fact]
    public async Task ReadOnlyRootFilesystem_RefusesWritesOutsideTheVolumes()
    {
        const string script = """
            touch /tmp/x 2>&1; touch /root-file 2>&1
            echo ok > /scratch/ok && cat /scratch/ok
            grep NoNewPrivs /proc/self/status
            """;
        var spec = TestPods.Pod("read-only", TestPods.Shell("main", script) with
        {
            SecurityContext = new V1SecurityContext { ReadOnlyRootFilesystem = true, AllowPrivilegeEscalation = false },
            VolumeMounts = [new V1VolumeMount { Name = "scratch", MountPath = "/scratch" }],
        }) with { Volumes = [new EmptyDirVolume("scratch")] };
        var listener = new RecordingListener();

        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);

        var log = await TestPods.ReadLogAsync(pod, "main");
        Assert.Contains("touch: cannot touch '/tmp/x': Read-only file system\n", log, StringComparison.Ordinal);
        Assert.Contains("touch: cannot touch '/root-file': Read-only file system\n", log, StringComparison.Ordinal);
        Assert.Contains("ok\n", log, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs:\t1\n", log, StringComparison.Ordinal);
        await pod.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Updates_OfNamesAndProjectedFilesReachARunningContainer()
    {
        const string script = """
            echo started
            i=0
            while [ $i -lt 300 ]; do
              if grep -q new-service /etc/hosts && [ "$(cat /etc/app/key)" = v2 ]; then echo "seen $(cat /etc/app/key)"; exit 0; fi
              sleep 0.1; i=$((i+1))
            done
            exit 1
            """;
        var spec = TestPods.Pod("updates", TestPods.Shell("main", script) with
        {
            VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/app" }],
        }) with { Volumes = [new ProjectedFilesVolume("config", [new ProjectedFile("key", "v1"u8.ToArray())])] };
        var listener = new RecordingListener();
        var pod = await fixture.Runtime.RunPodAsync(spec, listener);
        await listener.WaitForStatusAsync(s => s.ContainerStatuses[0].State.Running is not null);
        await LogWaiter.WaitForTextAsync(pod, "main", "started\n");

        await pod.UpdateNameEntriesAsync([new HostEntry(TestPods.NextAddress(), ["new-service"])], CancellationToken.None);
        await pod.UpdateFilesAsync("config", [new ProjectedFile("key", Encoding.UTF8.GetBytes("v2"))], CancellationToken.None);

        var status = await listener.WaitForStatusAsync(s => s.State == PodSandboxState.Completed);
        Assert.Equal(0, status.ContainerStatuses[0].State.Terminated.ExitCode);
        Assert.Contains("seen v2\n", await TestPods.ReadLogAsync(pod, "main"), StringComparison.Ordinal);
        await pod.RemoveAsync(CancellationToken.None);
    }
}
