using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Hosting;
using ZkSync.Testing;

namespace ZkSync.Benchmarks.Operator;

/// <summary>
/// One measurement: a fresh local API server and ZooKeeper, the CRD, the operator in its own process, then
/// <c>sessions</c> ZkRsyncSessions created at once (workers never start: nothing plays the kubelet). Measures the time
/// from the last create until every session has its master Job and a status with its pass (and meanwhile the CPU time
/// of the operator and of this process, the API server's, and the operator's API requests), the operator's peak RSS,
/// and every write in the namespace (the operator's Lease aside) while nothing changes.
/// </summary>
internal sealed class ScaleRun(string repository, string operatorDll, TimeSpan idleWindow, int runningSessions, TimeSpan runningWindow, TextWriter progress)
{
    private const string Namespace = "bench";
    private const string Group = "zksync.io";
    private const string Version = "v1alpha1";
    private const string Plural = "zkrsyncsessions";

    public async Task<ScaleResult> RunAsync(int sessions, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("operator-bench-").FullName;
        try
        {
            await using var zooKeeper = await ZooKeeperServer.StartNewAsync(ZooKeeperServerOptions.Default, cancellationToken);
            var requests = new RequestCounter();
            await using var server = await LocalApiServer.StartAsync(new LocalApiServerOptions
            {
                ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
                ConfigureServices = services => services.AddSingleton<IStartupFilter>(requests),
            }, cancellationToken);
            var kubeconfig = Path.Combine(directory, "kubeconfig");
            server.WriteKubeconfig(kubeconfig);
            using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(Path.Combine(repository, "crds", "zksync.io_zkrsyncsessions.yaml"), cancellationToken));
            await admin.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
            await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken);
            await UntilAsync(async () =>
            {
                try
                {
                    await admin.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, Namespace, Plural, cancellationToken: cancellationToken);
                    return true;
                }
                catch (k8s.Autorest.HttpOperationException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "the CRD to be served", cancellationToken);

            var tracker = new WriteTracker(Namespace);
            server.Resources.Written += tracker.OnWritten;
            await using var op = OperatorProcess.Start(operatorDll,
            [
                "--Kubeconfig=" + kubeconfig,
                "--Operator:WatchNamespaces:0=" + Namespace,
                "--Operator:Namespace=" + Namespace,
                "--Operator:Instance=bench-0",
                "--Operator:Workers:Image=registry.local/zksync:bench",
                "--Operator:ZooKeeper:Servers=" + zooKeeper.ConnectionString,
                "--Operator:ZooKeeper:AdminPassword=bench-admin-secret",
                "--Operator:Http:Address=127.0.0.1",
                "--Operator:Http:Port=0",
            ], Path.Combine(directory, "operator.log"));
            using var rss = new RssSampler(op);
            await tracker.LeaseHeld.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);

            progress.WriteLine($"  {sessions} sessions: creating");
            var (operatorCpu, serverCpu) = (op.ProcessorTime(), Process.GetCurrentProcess().TotalProcessorTime);
            requests.Start();
            var created = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (i, token) => await admin.CustomObjects.CreateNamespacedCustomObjectAsync(Session($"s{i:D4}"), Group, Version, Namespace, Plural, cancellationToken: token));
            var createTime = created.Elapsed;
            var lastCreate = Stopwatch.StartNew();
            await tracker.WaitReconciledAsync(sessions, TimeSpan.FromMinutes(5), cancellationToken);
            var reconciled = lastCreate.Elapsed;
            var burstRequests = requests.Stop();
            (operatorCpu, serverCpu) = (op.ProcessorTime() - operatorCpu, Process.GetCurrentProcess().TotalProcessorTime - serverCpu);
            progress.WriteLine($"  {sessions} sessions: reconciled {reconciled.TotalSeconds:0.0} s after the last create; waiting for quiet");

            // Nothing changes from here on: every write counts.
            await tracker.WaitQuietAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60), cancellationToken);
            tracker.StartCounting();
            await Task.Delay(idleWindow, cancellationToken);
            var idle = tracker.StopCounting();

            // Then some sessions run: their masters (played in ZooKeeper) report progress every 0.5 s, faster than the
            // operator may patch a status (every 2 s); every write of those sessions in the window is counted.
            var patches = new Dictionary<string, long>(StringComparer.Ordinal);
            if (runningSessions > 0)
            {
                var names = Enumerable.Range(0, Math.Min(runningSessions, sessions)).Select(i => $"s{i:D4}").ToList();
                progress.WriteLine($"  {sessions} sessions: {names.Count} of them running, their status patches counted for {runningWindow.TotalSeconds:0} s");
                await using var masters = await PlayedMasters.ConnectAsync(admin, Namespace, zooKeeper.ConnectionString, names, cancellationToken);
                using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var reporter = masters.ReportAsync(TimeSpan.FromSeconds(0.5), reporting.Token);
                await UntilAsync(async () => await RunningAsync(admin, names, cancellationToken) == names.Count, TimeSpan.FromSeconds(120), "the played sessions to be Running", cancellationToken);
                tracker.StartCountingPatches(names);
                await Task.Delay(runningWindow, cancellationToken);
                patches = new Dictionary<string, long>(tracker.StopCountingPatches(), StringComparer.Ordinal);
                await reporting.CancelAsync();
                await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            server.Resources.Written -= tracker.OnWritten;
            if (op.HasExited)
            {
                throw new InvalidOperationException($"the operator exited; see {directory}/operator.log");
            }

            return new ScaleResult(sessions, createTime, reconciled, rss.Peak, idle.Values.Sum(), idleWindow, idle, patches, runningWindow)
            {
                OperatorCpu = operatorCpu,
                ServerCpu = serverCpu,
                BurstRequests = burstRequests,
            };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<int> RunningAsync(Kubernetes admin, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var list = (System.Text.Json.JsonElement)await admin.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, Namespace, Plural, cancellationToken: cancellationToken);
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        return list.GetProperty("items").EnumerateArray().Count(item =>
            wanted.Contains(item.GetProperty("metadata").GetProperty("name").GetString()!)
            && item.TryGetProperty("status", out var status) && status.TryGetProperty("phase", out var phase) && phase.GetString() == "Running");
    }

    private static JsonObject Session(string name) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "ZkRsyncSession",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["source"] = new JsonObject { ["volume"] = new JsonObject { ["nfs"] = new JsonObject { ["server"] = "nfs.example", ["path"] = "/export/" + name } } },
            ["destination"] = new JsonObject { ["volume"] = new JsonObject { ["nfs"] = new JsonObject { ["server"] = "nfs-new.example", ["path"] = "/export/" + name } } },
            ["sources"] = 2,
        },
    };

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
