using System.Globalization;
using Xunit.Abstractions;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Interop.Support;

/// <summary>
/// A <see cref="LocalSession"/> (our zkrsync workers) that original-style workers join: the same session
/// name, ZooKeeper, credentials (root:admin), <c>--startport</c> block and tmpdir. The original's 5 s
/// sleeps are cut to <see cref="WaitTime"/> (its polling never shows on the wire). On failure every
/// process's output, ours and the originals', goes to the test output.
/// </summary>
public sealed class MixedSession(LocalSession session, ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>The original's WAITTIME (5 s) for the scripts.</summary>
    public const string WaitTime = "0.3";

    private readonly List<OriginalWorker> _originals = [];
    private int _sources;
    private int _destinations;

    public LocalSession Ours { get; } = session;

    public IReadOnlyList<OriginalWorker> Originals
    {
        get
        {
            lock (_originals)
            {
                return [.. _originals];
            }
        }
    }

    /// <summary>An original source (<c>zkrsync -S</c>); <paramref name="expect"/> "worker" makes it exit 2 if it won the lock.</summary>
    public Task<OriginalWorker> StartOriginalSourceAsync(string sourcePath, int depth, string expect = "worker") =>
        StartAsync(
            string.Create(CultureInfo.InvariantCulture, $"original-source-{Interlocked.Increment(ref _sources)}"),
            ["source", .. Common(sourcePath), "--depth", depth.ToString(CultureInfo.InvariantCulture), "--expect", expect]);

    /// <summary>An original source that must win the lock: the master. Returns once it holds the lock and queues.</summary>
    public async Task<OriginalWorker> StartOriginalMasterAsync(string sourcePath, int depth)
    {
        var master = await StartAsync(
            "original-master",
            ["source", .. Common(sourcePath), "--depth", depth.ToString(CultureInfo.InvariantCulture), "--expect", "master"]).ConfigureAwait(false);
        await master.WaitForLineAsync("ROLE master", LocalSession.StartTimeout).ConfigureAwait(false);
        return master;
    }

    /// <summary>An original destination (<c>zkrsync -D</c>) advertising and binding 127.0.0.1; returns once it queued itself.</summary>
    public async Task<OriginalWorker> StartOriginalDestinationAsync(string destinationPath)
    {
        var destination = await StartAsync(
            string.Create(CultureInfo.InvariantCulture, $"original-dest-{Interlocked.Increment(ref _destinations)}"),
            ["dest", .. Common(destinationPath), "--host", "127.0.0.1", "--startport", Ours.StartPort.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        await destination.WaitForLineAsync("Added destination", LocalSession.StartTimeout).ConfigureAwait(false);
        return destination;
    }

    /// <summary>Waits for every worker, ours and the originals', and asserts each exited with 0.</summary>
    public async Task AssertAllExitZeroAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? LocalSession.DefaultTimeout;
        var originals = Originals;
        try
        {
            await Task.WhenAll(originals.Select(o => o.Exited)).WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"still running after {limit}: {string.Join(", ", originals.Where(o => !o.HasExited))}");
        }

        await Ours.AssertAllExitAsync(0, limit).ConfigureAwait(false);
        var wrong = originals.Where(o => o.Exited.Result != 0).Select(o => $"{o.Label}={o.Exited.Result}").ToList();
        Assert.True(wrong.Count == 0, $"original workers that did not exit 0: {string.Join(", ", wrong)}");
    }

    /// <summary>Runs the test body; when it throws, writes every process's output and the ZooKeeper log.</summary>
    public Task RunAsync(Func<Task> body) => Ours.RunAsync(async () =>
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch
        {
            foreach (var original in Originals)
            {
                var state = original.HasExited ? $"exit {original.Exited.Result}" : "still running";
                output.WriteLine($"===== {original} [{state}]: original_zkrsync.py {string.Join(' ', original.Arguments)}");
                output.WriteLine(original.Output);
            }

            throw;
        }
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var original in Originals)
        {
            await original.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string[] Common(string path) =>
        ["--servers", Ours.ConnectionString, "-N", Ours.Name, "-r", path, "--tmpdir", Ours.TmpDirectory, "--waittime", WaitTime];

    private async Task<OriginalWorker> StartAsync(string label, IEnumerable<string> arguments)
    {
        var worker = await OriginalWorker.StartAsync(label, arguments).ConfigureAwait(false);
        lock (_originals)
        {
            _originals.Add(worker);
        }

        return worker;
    }
}
