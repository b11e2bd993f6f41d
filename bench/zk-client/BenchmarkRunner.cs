using System.Diagnostics;
using System.Globalization;
using ZkSync.Testing;
using ZkSync.ZooKeeper;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// Runs every workload against one server: ours, then kazoo, run after run, never both at once (the
/// machine may have only two cores, and the server needs one). Each client works under a parent
/// node of its own.
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkSettings settings, TextWriter output)
{
    private const string Root = "/zk-client-bench";
    private const string OursRoot = Root + "/ours";
    private const string KazooRoot = Root + "/kazoo";

    /// <summary>Tiered JIT compiles hot methods again in the background; give it a moment after the warm-up.</summary>
    private static readonly TimeSpan TierUpPause = TimeSpan.FromMilliseconds(500);

    public async Task<IReadOnlyList<LineResult>> RunAsync(IReadOnlyList<IWorkload> workloads, CancellationToken cancellationToken)
    {
        // The server's JVM with its default compiler and collector, not the fast-start tuning tests use.
        var serverOptions = new ZooKeeperServerOptions { FastStartJvm = false, HeapMegabytes = 512 };
        output.WriteLine("Starting ZooKeeper on 127.0.0.1 (JVM defaults: C2, G1; no fsync)...");
        await using var server = await ZooKeeperServer.StartNewAsync(serverOptions, cancellationToken).ConfigureAwait(false);
        var clientOptions = new ZooKeeperClientOptions { ConnectionString = server.ConnectionString, SessionTimeout = TimeSpan.FromSeconds(30) };
        await using var client = await ZooKeeperClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"ZooKeeper at {server.ConnectionString}; {settings.Items:#,0} items per line, {settings.Runs} runs, warm-up {settings.WarmupItems:#,0} items");

        foreach (var path in new[] { Root, OursRoot, KazooRoot })
        {
            await client.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
        }

        var results = new List<LineResult>();
        foreach (var workload in workloads)
        {
            results.AddRange(await RunWorkloadAsync(server, client, workload, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private async Task<IReadOnlyList<LineResult>> RunWorkloadAsync(
        ZooKeeperServer server, ZooKeeperClient client, IWorkload workload, CancellationToken cancellationToken)
    {
        var results = workload.Lines.Select(line => new LineResult(line, settings.Items)).ToList();

        output.WriteLine($"[{workload.Name}] warming up ours ({settings.WarmupItems:#,0} items)");
        await WithParentAsync(client, $"{OursRoot}/{workload.Name}-warmup",
            parent => workload.RunOursAsync(client, parent, settings.WarmupItems, cancellationToken), cancellationToken).ConfigureAwait(false);
        await Task.Delay(TierUpPause, cancellationToken).ConfigureAwait(false);

        for (var run = 1; run <= settings.Runs; run++)
        {
            // Start each of our runs on a clean heap, as each kazoo run starts in a fresh process.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var ours = await WithParentAsync(client, $"{OursRoot}/{workload.Name}-{run}",
                parent => workload.RunOursAsync(client, parent, settings.Items, cancellationToken), cancellationToken).ConfigureAwait(false);

            var kazooParent = $"{KazooRoot}/{workload.Name}-{run}";
            var kazooWarmup = $"{KazooRoot}/{workload.Name}-{run}-warmup";
            await CreateParentAsync(client, kazooWarmup, cancellationToken).ConfigureAwait(false);
            var kazoo = await WithParentAsync(client, kazooParent,
                parent => KazooRunner.RunAsync(server.ConnectionString, workload, parent, settings.Items, kazooWarmup, settings.WarmupItems, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            await client.DeleteAsync(kazooWarmup, version: -1, cancellationToken).ConfigureAwait(false);

            foreach (var result in results)
            {
                result.AddOurs(ours[result.Line.Key]);
                result.AddKazoo(kazoo[result.Line.Key]);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{workload.Name}] run {run}/{settings.Runs} {result.Line.Title,-26} ours {ResultTable.Number(settings.Items / ours[result.Line.Key].TotalSeconds),9} ops/s   kazoo {ResultTable.Number(settings.Items / kazoo[result.Line.Key].TotalSeconds),9} ops/s"));
            }
        }

        return results;
    }

    /// <summary>Creates <paramref name="parent"/>, runs <paramref name="body"/> under it, and deletes it (the body leaves it empty).</summary>
    private static async Task<T> WithParentAsync<T>(
        ZooKeeperClient client, string parent, Func<string, Task<T>> body, CancellationToken cancellationToken)
    {
        await CreateParentAsync(client, parent, cancellationToken).ConfigureAwait(false);
        var result = await body(parent).ConfigureAwait(false);
        await client.DeleteAsync(parent, version: -1, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static Task CreateParentAsync(ZooKeeperClient client, string parent, CancellationToken cancellationToken) =>
        client.CreateAsync(parent, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken);

    public static string DescribeMachine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, Stopwatch {(Stopwatch.IsHighResolution ? "high-res" : "low-res")}");
}
