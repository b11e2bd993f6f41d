using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;
using ZkSync.ZooKeeper;

namespace ZkSync.Worker.IntegrationTests.Scale;

/// <summary>Runs alone: the scale session takes both cores of a CI machine, and timing tests beside it would suffer.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleCollection
{
    public const string Name = "Scale";
}

/// <summary>
/// A 205,261-path session (60 × 60 × 56 empty directories at depth 3) with --dryrun: it must finish with
/// every path completed while the master keeps pathQueue/entries within --window and its memory bounded.
/// Prints the wall time, the peak queue length and the master's peak RSS (VmHWM).
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class ScaleSessionTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private const int Window = 10_000;
    private const int Width1 = 60;
    private const int Width2 = 60;
    private const int Width3 = 56;
    private const int Paths = 1 + Width1 + (Width1 * Width2) + (Width1 * Width2 * Width3);

    /// <summary>The master alone puts entries, and only while fewer than --window are queued; sources re-put none here.</summary>
    private const int WindowMargin = 100;

    private const long MasterRssLimitKiB = 400 * 1024;
    private static readonly TimeSpan SessionLimit = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task Session_Of200kPaths_CompletesWithinTheWindowAndBoundedMemory()
    {
        // On tmpfs when there is one: removing 200k directories from a disk mounted with "discard" takes minutes.
        var scratch = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "zkrsync-scale-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await RunAsync(scratch);
        }
        finally
        {
            PosixFs.RemoveTree(RawName.Parse(scratch));
        }
    }

    private async Task RunAsync(string scratch)
    {
        var source = Directory.CreateDirectory(Path.Combine(scratch, "source")).FullName;
        var destination = Directory.CreateDirectory(Path.Combine(scratch, "destination")).FullName;
        var built = Stopwatch.StartNew();
        for (var i = 0; i < Width1; i++)
        {
            for (var j = 0; j < Width2; j++)
            {
                var parent = Path.Combine(source, $"d{i:00}", $"e{j:00}");
                for (var k = 0; k < Width3; k++)
                {
                    Directory.CreateDirectory(Path.Combine(parent, $"f{k:00}"));
                }
            }
        }

        output.WriteLine($"tree of {Paths} directories built in {built.Elapsed.TotalSeconds:F1} s");
        await using var session = new LocalSession(zooKeeper.Server, output);
        string[] options = ["--dryrun", "--batch", "1000", "--window", Window.ToString(CultureInfo.InvariantCulture)];

        await session.RunAsync(async () =>
        {
            await using var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = session.ConnectionString });
            var entries = ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(session.Name));
            var started = Stopwatch.StartNew();
            var master = await session.StartMasterAsync(source, 3, options);
            await session.StartDestinationAsync(destination, ["--slots", "3"]);
            for (var i = 0; i < 3; i++)
            {
                session.StartSource(source, 3, options);
            }

            // Sample the queue length and the master's VmHWM until the master exits.
            var peakQueue = 0;
            long masterHwmKiB = 0;
            var samples = 0;
            while (!master.HasExited && started.Elapsed < SessionLimit)
            {
                var stat = await client.ExistsAsync(entries);
                peakQueue = Math.Max(peakQueue, stat?.NumChildren ?? 0);
                masterHwmKiB = Math.Max(masterHwmKiB, ReadVmHwmKiB(master.ProcessId));
                samples++;
                await Task.WhenAny(master.Exited, Task.Delay(200));
            }

            await session.AssertAllExitAsync(ExitCodes.Success, TimeSpan.FromMinutes(1) + (SessionLimit - started.Elapsed));
            var elapsed = started.Elapsed;
            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(session.SummaryPath));
            var completed = summary.RootElement.GetProperty("pathsCompleted").GetInt64();
            output.WriteLine($"scale: {completed} of {Paths} paths in {elapsed.TotalSeconds:F1} s ({completed / elapsed.TotalSeconds:F0} paths/s); " +
                $"peak pathQueue/entries {peakQueue} (window {Window}, {samples} samples); master VmHWM {masterHwmKiB / 1024.0:F1} MiB");

            Assert.Equal(Paths, completed);
            Assert.Equal(0, summary.RootElement.GetProperty("pathsFailed").GetInt64());
            Assert.InRange(peakQueue, 1, Window + WindowMargin);
            Assert.InRange(masterHwmKiB, 1, MasterRssLimitKiB);
            Assert.True(elapsed < SessionLimit, $"took {elapsed}");
            await SessionAssert.OnlySkeletonLeftAsync(session);
        });
    }

    /// <summary>VmHWM (peak resident set) of a live process in KiB; 0 once it is gone.</summary>
    private static long ReadVmHwmKiB(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Exited meanwhile.
        }

        return 0;
    }
}
