using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Tests.Kubelet.Runtime;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.Testing;

namespace ZkSync.LocalCluster.Tests.Cluster;

/// <summary>A cluster started and stopped by a test: stopping it ends its pods' processes (daemons too) and removes
/// their mounts and files.</summary>
public sealed class ClusterLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StoppingTheCluster_LeavesNoProcessMountOrFileBehind()
    {
        var directory = Directory.CreateTempSubdirectory("local-cluster-stop-").FullName;
        var log = new CapturedLog();
        var marker = Guid.NewGuid().ToString("N");
        var options = RunningClusterFixture.ClusterOptions(directory, logging => logging.AddProvider(log));
        try
        {
            await LogOnFailure.RunAsync(output, log.ToString, async () =>
            {
                var cluster = await LocalClusterHost.StartAsync(options, CancellationToken.None);
                try
                {
                    var kubeconfig = Path.Combine(directory, "kubeconfig");
                    cluster.WriteKubeconfig(kubeconfig);
                    var kubectl = new Kubectl(kubeconfig, Path.Combine(directory, "cache"), "default");
                    // A container that leaves a daemon behind (its own session, reparented to the pod's init) and has a
                    // volume mounted, so that the runtime has processes and mounts to clean up.
                    await kubectl.ApplyAsync($$"""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: lingering}
                        spec:
                          containers:
                          - name: main
                            image: {{RunningClusterFixture.ShellImage}}
                            args: ["setsid sh -c 'touch /scratch/daemon; sleep 3600; : {{marker}}' & exec sh -c 'touch /scratch/main; sleep 3600; : {{marker}}'"]
                            readinessProbe:
                              exec: {command: [sh, -c, "test -e /scratch/daemon && test -e /scratch/main"]}
                              periodSeconds: 1
                            volumeMounts: [{name: scratch, mountPath: /scratch}]
                          volumes:
                          - name: scratch
                            emptyDir: {}
                        """);
                    await kubectl.WaitAsync("condition=Ready", "pod/lingering");
                    var processes = HostScan.ProcessesWithCommandLineContaining(marker);
                    Assert.Equal(2, processes.Count);
                    Assert.Contains(" /scratch ", await File.ReadAllTextAsync($"/proc/{processes[0]}/mountinfo"), StringComparison.Ordinal);
                }
                finally
                {
                    await cluster.DisposeAsync();
                }

                Assert.Empty(HostScan.ProcessesWithCommandLineContaining(marker));
                Assert.DoesNotContain(HostScan.MountPoints(), mount => mount.StartsWith(options.DataDirectory!, StringComparison.Ordinal));
                Assert.Empty(Directory.EnumerateFileSystemEntries(options.DataDirectory!));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
