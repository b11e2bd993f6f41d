using System.Diagnostics;
using System.Globalization;
using ZkSync.Testing;
using ZkSync.ZooKeeper;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// Runs every workload against one server: ours and kazoo in turns (who goes first alternates by run), never both at once (the
/// machine may have only two cores, and the server needs one). Each client works under a parent
/// node of its own. A line with a ceiling gets the server's ceiling (<see cref="RawGet"/>) measured
/// right after each of our runs, so a neighbour's load moves both alike.
/// </summary>
internal sealed class BenchmarkRunner(BenchmarkSettings settings, TextWriter output)
{
    private const string Root = "/zk-client-bench";
    private const string OursRoot = Root + "/ours";
    private const string KazooRoot = Root + "/kazoo";
    private const string RawRoot = Root + "/raw";

    /// <summary>Tiered JIT compiles hot methods again in the background; give it a moment after the warm-up.</summary>
    private static readonly TimeSpan TierUpPause = TimeSpan.FromMilliseconds(500);

    public async Task<BenchmarkReport> RunAsync(IReadOnlyList<IWorkload> workloads, CancellationToken cancellationToken)
    {
        // The server's JVM with its default compiler and collector, not the fast-start tuning tests use.
        var serverOptions = new ZooKeeperServerOptions { FastStartJvm = false, HeapMegabytes = 512 };
        output.WriteLine("Starting ZooKeeper on 127.0.0.1 (JVM defaults: C2, G1; no fsync)...");
        await using var server = await ZooKeeperServer.StartNewAsync(serverOptions, cancellationToken).ConfigureAwait(false);
        var clientOptions = new ZooKeeperClientOptions { ConnectionString = server.ConnectionString, SessionTimeout = TimeSpan.FromSeconds(30) };
        await using var client = await ZooKeeperClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"ZooKeeper at {server.ConnectionString}; {settings.Items:#,0} items per line, {settings.Runs} runs, warm-up {settings.WarmupItems:#,0} items");

        foreach (var path in new[] { Root, OursRoot, KazooRoot, RawRoot })
        {
            await client.CreateAsync(path, ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
        }

        // The ceiling's nodes, as many as the table lines use; one untimed measurement warms the server's code path up.
        var ceilingPaths = Enumerable.Range(0, settings.Items)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{RawRoot}/node-{i:D7}"))
            .ToArray();
        var payload = "updated-16-bytes"u8.ToArray();
        await Task.WhenAll(ceilingPaths.Select(path => client.CreateAsync(path, payload, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken))).ConfigureAwait(false);
        await RawGet.MeasureAsync(server.ConnectionString, ceilingPaths, ServerCeiling.PipelinedGet, cancellationToken).ConfigureAwait(false);

        var results = new List<LineResult>();
        foreach (var workload in workloads)
        {
            results.AddRange(await RunWorkloadAsync(server, client, clientOptions, workload, ceilingPaths, cancellationToken).ConfigureAwait(false));
        }

        await Task.WhenAll(ceilingPaths.Select(path => client.DeleteAsync(path, version: -1, cancellationToken))).ConfigureAwait(false);
        return new BenchmarkReport(results);
    }

    /// <summary>The server's ceiling now: <see cref="RawGet"/> over every ceiling node, in ops/s.</summary>
    private async Task<double> MeasureCeilingAsync(ZooKeeperServer server, string[] ceilingPaths, ServerCeiling ceiling, int run, CancellationToken cancellationToken)
    {
        var elapsed = await RawGet.MeasureAsync(server.ConnectionString, ceilingPaths, ceiling, cancellationToken).ConfigureAwait(false);
        var opsPerSecond = ceilingPaths.Length / elapsed.TotalSeconds;
        output.WriteLine($"[server ceiling] run {run}/{settings.Runs} {ResultTable.Describe(ceiling)} {ResultTable.Number(opsPerSecond),9} ops/s");
        return opsPerSecond;
    }

    private async Task<IReadOnlyList<LineResult>> RunWorkloadAsync(
        ZooKeeperServer server,
        ZooKeeperClient client,
        ZooKeeperClientOptions clientOptions,
        IWorkload workload,
        string[] ceilingPaths,
        CancellationToken cancellationToken)
    {
        var results = workload.Lines.Select(line => new LineResult(line, settings.Items)).ToList();
        var withCeiling = results.Where(result => result.Line.Ceiling != ServerCeiling.None).ToList();

        output.WriteLine($"[{workload.Name}] warming up ours ({settings.WarmupItems:#,0} items)");
        await WithParentAsync(client, $"{OursRoot}/{workload.Name}-warmup",
            parent => workload.RunOursAsync(client, clientOptions, parent, settings.WarmupItems, cancellationToken), cancellationToken).ConfigureAwait(false);
        await Task.Delay(TierUpPause, cancellationToken).ConfigureAwait(false);

        for (var run = 1; run <= settings.Runs; run++)
        {
            // Alternate who goes first, so a server that is still warming up (or a neighbour's load) favours neither.
            IReadOnlyDictionary<string, LineTiming> ours, kazoo;
            if (run % 2 == 1)
            {
                ours = await RunOursTimedAsync(client, clientOptions, workload, run, cancellationToken).ConfigureAwait(false);
                await MeasureCeilingsAsync(run).ConfigureAwait(false);
                kazoo = await RunKazooTimedAsync(server, client, workload, run, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                kazoo = await RunKazooTimedAsync(server, client, workload, run, cancellationToken).ConfigureAwait(false);
                ours = await RunOursTimedAsync(client, clientOptions, workload, run, cancellationToken).ConfigureAwait(false);
                await MeasureCeilingsAsync(run).ConfigureAwait(false);
            }

            foreach (var result in results)
            {
                result.AddOurs(ours[result.Line.Key]);
                result.AddKazoo(kazoo[result.Line.Key]);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{workload.Name}] run {run}/{settings.Runs} {result.Line.Title,-26} ours {Describe(ours[result.Line.Key])}   kazoo {Describe(kazoo[result.Line.Key])}"));
            }
        }

        return results;

        async Task MeasureCeilingsAsync(int run)
        {
            foreach (var lines in withCeiling.GroupBy(result => result.Line.Ceiling))
            {
                var opsPerSecond = await MeasureCeilingAsync(server, ceilingPaths, lines.Key, run, cancellationToken).ConfigureAwait(false);
                foreach (var result in lines)
                {
                    result.AddCeiling(opsPerSecond);
                }
            }
        }
    }

    /// <summary>ops/s and the client process's CPU µs per call of one line of one run.</summary>
    private string Describe(LineTiming timing) => string.Create(CultureInfo.InvariantCulture,
        $"{ResultTable.Number(settings.Items / timing.Elapsed.TotalSeconds),9} ops/s {timing.Cpu.TotalMicroseconds / settings.Items,6:0.0} CPU us/call");

    private Task<IReadOnlyDictionary<string, LineTiming>> RunOursTimedAsync(
        ZooKeeperClient client, ZooKeeperClientOptions clientOptions, IWorkload workload, int run, CancellationToken cancellationToken)
    {
        // Start each of our runs on a clean heap, as each kazoo run starts in a fresh process.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return WithParentAsync(client, $"{OursRoot}/{workload.Name}-{run}",
            parent => workload.RunOursAsync(client, clientOptions, parent, settings.Items, cancellationToken), cancellationToken);
    }

    private async Task<IReadOnlyDictionary<string, LineTiming>> RunKazooTimedAsync(
        ZooKeeperServer server, ZooKeeperClient client, IWorkload workload, int run, CancellationToken cancellationToken)
    {
        var warmup = $"{KazooRoot}/{workload.Name}-{run}-warmup";
        await CreateParentAsync(client, warmup, cancellationToken).ConfigureAwait(false);
        var timings = await WithParentAsync(client, $"{KazooRoot}/{workload.Name}-{run}",
            parent => KazooRunner.RunAsync(server.ConnectionString, workload, parent, settings.Items, warmup, settings.WarmupItems, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await client.DeleteAsync(warmup, version: -1, cancellationToken).ConfigureAwait(false);
        return timings;
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

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>), or "unknown" where there is none.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} / {fields[1]} / {fields[2]} (1 / 5 / 15 min)";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string DescribeMachine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, Stopwatch {(Stopwatch.IsHighResolution ? "high-res" : "low-res")}, thread-pool spin limit {ThreadPoolSpinLimit()}");

    /// <summary>
    /// The thread pool's idle spinning (its workers spin before they sleep), which most of a sequential call's CPU time
    /// goes to: the runtime default unless <c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit</c> or the runtimeconfig sets it.
    /// </summary>
    private static string ThreadPoolSpinLimit() =>
        Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit")
        ?? AppContext.GetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit")?.ToString()
        ?? "runtime default";
}
