using System.Net;
using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>Pods for the runtime's tests: unique names and addresses, shell containers.</summary>
internal static class TestPods
{
    private static readonly int Network = 100 + Random.Shared.Next(100); // 127.N.x.y: apart from other test runs
    private static int _nextAddress;

    public static PodSandboxSpec Pod(string name, params ContainerSpec[] containers)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        return new PodSandboxSpec
        {
            Uid = Guid.NewGuid().ToString(),
            Name = $"{name}-{suffix}",
            Namespace = "runtime-tests",
            PodIP = NextAddress(),
            Containers = containers,
            RestartPolicy = PodRestartPolicy.Never,
            TerminationGracePeriod = TimeSpan.FromSeconds(5),
        };
    }

    public static ContainerSpec Shell(string name, string script) => new()
    {
        Name = name,
        Argv = ["/bin/sh", "-c", script],
    };

    public static IPAddress NextAddress()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return new IPAddress([127, (byte)Network, (byte)(n / 250), (byte)((n % 250) + 2)]);
    }

    public static async Task<string> ReadLogAsync(PodSandbox pod, string container, ContainerLogReadOptions? options = null, bool previous = false)
    {
        var log = pod.GetLog(container, previous) ?? throw new InvalidOperationException($"container {container} has no log");
        using var output = new MemoryStream();
        await log.WriteToAsync(output, options ?? new ContainerLogReadOptions(), CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
