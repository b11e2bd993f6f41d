using System.Globalization;
using ZkSync.ZooKeeper;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>
/// Sequential create, getData, setData and delete of N small nodes (each call awaited before the
/// next), and N getData calls in flight at once. kazoo_bench.py's <c>crud</c> does exactly the same:
/// the same node names (<c>node-0000000</c>...) and 16-byte payloads.
/// </summary>
internal sealed class CrudWorkload : IWorkload
{
    public const string Create = "create";
    public const string Get = "get";
    public const string Set = "set";
    public const string Delete = "delete";
    public const string PipelinedGet = "pipelined_get";

    private static readonly byte[] CreatePayload = "created-16-bytes"u8.ToArray();
    private static readonly byte[] SetPayload = "updated-16-bytes"u8.ToArray();

    public string Name => "crud";

    public IReadOnlyList<BenchmarkLine> Lines { get; } =
    [
        new(Create, "create (sequential)", 1.5),
        new(Get, "getData (sequential)", 1.5, Ceiling: ServerCeiling.SequentialGet),
        new(Set, "setData (sequential)", 1.5),
        new(Delete, "delete (sequential)", 1.5),
        new(PipelinedGet, "getData (all in flight)", 1.0, MinimumOfCeiling: 0.9, Ceiling: ServerCeiling.PipelinedGet),
    ];

    public async Task<IReadOnlyDictionary<string, LineTiming>> RunOursAsync(
        ZooKeeperClient client, ZooKeeperClientOptions clientOptions, string parent, int items, CancellationToken cancellationToken)
    {
        var paths = Enumerable.Range(0, items)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{parent}/node-{i:D7}"))
            .ToArray();
        var timings = new Dictionary<string, LineTiming>(StringComparer.Ordinal);

        var clock = LineClock.Start();
        foreach (var path in paths)
        {
            await client.CreateAsync(path, CreatePayload, Acl.OpenUnsafe, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
        }

        timings[Create] = clock.Stop();

        clock = LineClock.Start();
        var bytesRead = 0L;
        foreach (var path in paths)
        {
            var result = await client.GetDataAsync(path, watcher: null, cancellationToken).ConfigureAwait(false);
            bytesRead += result.Data.Length;
        }

        timings[Get] = clock.Stop();
        Check(bytesRead == (long)items * CreatePayload.Length, "sequential getData read the wrong data");

        clock = LineClock.Start();
        foreach (var path in paths)
        {
            await client.SetDataAsync(path, SetPayload, version: -1, cancellationToken).ConfigureAwait(false);
        }

        timings[Set] = clock.Stop();

        clock = LineClock.Start();
        var inFlight = new Task<DataResult>[items];
        for (var i = 0; i < items; i++)
        {
            inFlight[i] = client.GetDataAsync(paths[i], watcher: null, cancellationToken);
        }

        var results = await Task.WhenAll(inFlight).ConfigureAwait(false);
        timings[PipelinedGet] = clock.Stop();
        Check(results.All(r => r.Stat.Version == 1 && r.Data.AsSpan().SequenceEqual(SetPayload)), "pipelined getData read the wrong data");

        clock = LineClock.Start();
        foreach (var path in paths)
        {
            await client.DeleteAsync(path, version: -1, cancellationToken).ConfigureAwait(false);
        }

        timings[Delete] = clock.Stop();
        return timings;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"benchmark self-check failed: {what}");
        }
    }
}
