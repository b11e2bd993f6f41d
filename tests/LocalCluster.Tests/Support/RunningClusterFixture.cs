using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Controllers.Workloads;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Kubelet;

namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>
/// One whole local cluster per test class (API server, controllers, scheduler, process kubelet on node-1..3), in-process
/// as other projects use it, with one image, <see cref="ShellImage"/>: a directory whose image.json has
/// <c>ENTRYPOINT ["sh", "-c"]</c>, so a container's <c>args</c> are a shell script run by the host's sh, and which holds
/// one program of its own, <see cref="GreeterProgram"/>. Back-offs are
/// short so restarts and Job retries stay quick.
/// </summary>
public class RunningClusterFixture : LocalClusterFixture
{
    public const string ShellImage = "example.test/shell:1";

    /// <summary>An executable only the shell image has (it prints "hello from the image").</summary>
    public const string GreeterProgram = "image-greeter";

    private LocalClusterHost? _cluster;

    public LocalClusterHost Cluster => _cluster ?? throw new InvalidOperationException("The running cluster fixture is not initialized.");

    /// <summary>A new host directory for one test's pods to share files with it (through a <c>hostPath</c> volume).</summary>
    public string CreateSharedDirectory() => System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"shared-{Guid.NewGuid():N}")).FullName;

    public static LocalClusterOptions ClusterOptions(string directory, Action<ILoggingBuilder>? logging)
    {
        var image = System.IO.Directory.CreateDirectory(Path.Combine(directory, "images", "shell")).FullName;
        File.WriteAllText(Path.Combine(image, "image.json"), """{"entrypoint": ["sh", "-c"]}""");
        var greeter = Path.Combine(image, GreeterProgram);
        File.WriteAllText(greeter, "#!/bin/sh\necho \"hello from the image\"\n");
        File.SetUnixFileMode(greeter, (UnixFileMode)0b111_101_101); // 0755
        return new LocalClusterOptions
        {
            Images = [new ImageMapping(ShellImage, image)],
            DataDirectory = Path.Combine(directory, "data"),
            RestartBackOff = TimeSpan.FromMilliseconds(300),
            MaxRestartBackOff = TimeSpan.FromSeconds(3),
            ShutdownGracePeriod = TimeSpan.FromSeconds(3),
            Jobs = new JobControllerOptions { PodFailureBackOff = TimeSpan.FromMilliseconds(200), MaxPodFailureBackOff = TimeSpan.FromSeconds(2) },
            ConfigureLogging = logging,
        };
    }

    protected override async Task<LocalApiServer> StartServerAsync(Action<ILoggingBuilder> logging, CancellationToken cancellationToken)
    {
        _cluster = await LocalClusterHost.StartAsync(ClusterOptions(Directory, logging), cancellationToken).ConfigureAwait(false);
        return _cluster.ApiServer;
    }

    protected override async Task StopServerAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}
