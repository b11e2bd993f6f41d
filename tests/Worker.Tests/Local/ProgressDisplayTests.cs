using Microsoft.Extensions.Time.Testing;
using ZkSync.Contracts;
using ZkSync.Worker.Local;

namespace ZkSync.Worker.Tests.Local;

public sealed class ProgressDisplayTests
{
    private static SessionProgress Report(long done, long queued = 10) =>
        new(queued, WalkDone: true, done, 0, queued - done, 0, new Dictionary<string, long>(), [], 1.0, DateTimeOffset.UnixEpoch, "m:1");

    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void PlainOutput_PrintsAtMostOneLinePerInterval_AndTheLastReportAtTheEnd()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var display = new ProgressDisplay(output, live: false, time);

        display.Show(Report(1));
        display.Show(Report(2)); // a worker exited: shown again at once
        time.Advance(ProgressDisplay.PlainInterval);
        display.Show(Report(3));
        display.Show(Report(10));
        display.Show(Report(10));
        display.Finish();

        var lines = Lines(output);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("paths 1/10 (10%)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("paths 3/10 (30%)", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("paths 10/10 (100%)", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void PlainOutput_DoesNotRepeatTheLastLineAtTheEnd()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var display = new ProgressDisplay(output, live: false, time);

        display.Show(Report(10));
        display.Show(Report(10));
        display.Finish();

        Assert.Single(Lines(output));
    }

    [Fact]
    public void LiveOutput_RedrawsOneLineOnEveryReport_AndEndsIt()
    {
        var output = new StringWriter();
        var display = new ProgressDisplay(output, live: true, new FakeTimeProvider());

        display.Show(Report(1));
        display.Show(Report(2));
        display.Finish();

        var text = output.ToString();
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Contains("paths 2/10 (20%)", text.Split('\r')[^1], StringComparison.Ordinal);
    }
}
