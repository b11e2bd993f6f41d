using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class ContainerLogTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("container-log-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Append_StoresCriRecordsThatReadBackAsKubectlShowsThem()
    {
        var log = WriteLog();

        var lines = await File.ReadAllLinesAsync(log.Path);
        Assert.Equal("2025-03-04T05:06:07.000000000Z stdout F first", lines[0]);
        Assert.Equal("2025-03-04T05:06:09.000000000Z stdout P par", lines[2]);
        Assert.Equal("first\nsecond\npartial line\nlast", await ReadAsync(log, new ContainerLogReadOptions()));
    }

    [Fact]
    public async Task WriteTo_WithTimestampsPrefixesEachLineOnce() =>
        Assert.Equal(
            "2025-03-04T05:06:07.000000000Z first\n2025-03-04T05:06:08.000000000Z second\n2025-03-04T05:06:09.000000000Z partial line\n"
            + "2025-03-04T05:06:11.000000000Z last",
            await ReadAsync(WriteLog(), new ContainerLogReadOptions { Timestamps = true }));

    [Fact]
    public async Task WriteTo_HonoursTailSinceAndLimit()
    {
        var log = WriteLog();

        Assert.Equal("tial line\nlast", await ReadAsync(log, new ContainerLogReadOptions { TailLines = 2 }));
        Assert.Equal("second\npartial line\nlast", await ReadAsync(log, new ContainerLogReadOptions { SinceTime = Start.AddSeconds(1) }));
        Assert.Equal("first\nseco", await ReadAsync(log, new ContainerLogReadOptions { LimitBytes = 10 }));
    }

    [Fact]
    public async Task WriteTo_FollowingStreamsNewLinesUntilTheInstanceEnds()
    {
        var log = ContainerLog.Create(Path.Combine(_directory, "0.log"));
        log.Append(Start, "stdout", "one"u8, partial: false);
        using var output = new NotifyingStream();
        var following = log.WriteToAsync(output, new ContainerLogReadOptions { Follow = true }, CancellationToken.None);
        await output.WaitForTextAsync("one\n");

        log.Append(Start.AddSeconds(1), "stderr", "two"u8, partial: false);
        await output.WaitForTextAsync("one\ntwo\n");
        Assert.False(following.IsCompleted);

        log.Complete();
        await following.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Splitter_CutsLinesAndMarksLongOnesAndTheUnfinishedEndPartial()
    {
        var log = ContainerLog.Create(Path.Combine(_directory, "0.log"));
        var splitter = new LogLineSplitter(log, "stdout", TimeProvider.System);
        var longLine = new string('x', ContainerLog.MaxRecordContent + 10);

        splitter.Write(Encoding.UTF8.GetBytes("a\nb"));
        splitter.Write(Encoding.UTF8.GetBytes("c\n" + longLine + "\nend"));
        splitter.Flush();
        log.Complete();

        var tags = (await File.ReadAllLinesAsync(log.Path)).Select(line => line.Split(' ')[2]).ToList();
        Assert.Equal(["F", "F", "P", "F", "P"], tags);
        Assert.Equal("a\nbc\n" + longLine + "\nend", await ReadAsync(log, new ContainerLogReadOptions()));
    }

    private ContainerLog WriteLog()
    {
        var log = ContainerLog.Create(Path.Combine(_directory, "0.log"));
        log.Append(Start, "stdout", "first"u8, partial: false);
        log.Append(Start.AddSeconds(1), "stderr", "second"u8, partial: false);
        log.Append(Start.AddSeconds(2), "stdout", "par"u8, partial: true);
        log.Append(Start.AddSeconds(3), "stdout", "tial line"u8, partial: false);
        log.Append(Start.AddSeconds(4), "stdout", "last"u8, partial: true);
        log.Complete();
        return log;
    }

    private static async Task<string> ReadAsync(ContainerLog log, ContainerLogReadOptions options)
    {
        using var output = new MemoryStream();
        await log.WriteToAsync(output, options, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>A memory stream a test can wait on for some text to have been written.</summary>
    private sealed class NotifyingStream : MemoryStream
    {
        private readonly SemaphoreSlim _written = new(0);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await base.WriteAsync(buffer, cancellationToken);
            _written.Release();
        }

        public async Task WaitForTextAsync(string text)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (Encoding.UTF8.GetString(ToArray()) != text)
            {
                await _written.WaitAsync(timeout.Token);
            }
        }

        protected override void Dispose(bool disposing)
        {
            _written.Dispose();
            base.Dispose(disposing);
        }
    }
}
