using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class RestartBackOffTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Maximum = TimeSpan.FromMinutes(5);

    [Fact]
    public void Remaining_TheFirstRestartIsImmediateThenDelaysDoubleUpToTheMaximum()
    {
        var backOff = new RestartBackOff(Initial, Maximum);
        var finished = Start;
        var delays = new List<TimeSpan>();
        for (var crash = 0; crash < 8; crash++)
        {
            var delay = backOff.Remaining(finished, finished);
            delays.Add(delay);
            backOff.Next(finished);
            finished += delay + TimeSpan.FromSeconds(1); // runs one second, then crashes again
        }

        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300], delays.Select(delay => (int)delay.TotalSeconds));
    }

    [Fact]
    public void Remaining_CountsFromWhenTheContainerFinished()
    {
        var backOff = new RestartBackOff(Initial, Maximum);
        backOff.Next(Start);

        Assert.Equal(TimeSpan.FromSeconds(6), backOff.Remaining(Start + TimeSpan.FromSeconds(1), Start + TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.Zero, backOff.Remaining(Start + TimeSpan.FromSeconds(1), Start + TimeSpan.FromSeconds(12)));
    }

    [Fact]
    public void Next_AfterMoreThanTwiceTheMaximumStartsOver()
    {
        var backOff = new RestartBackOff(Initial, Maximum);
        backOff.Next(Start);
        backOff.Next(Start + TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(20), backOff.CurrentDelay);

        var muchLater = Start + TimeSpan.FromMinutes(11);
        Assert.Equal(TimeSpan.Zero, backOff.Remaining(muchLater, muchLater));
        backOff.Next(muchLater);
        Assert.Equal(Initial, backOff.CurrentDelay);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(10_000, "10s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(160_000, "2m40s")]
    [InlineData(300_000, "5m0s")]
    [InlineData(3_600_000, "1h0m0s")]
    public void GoDuration_FormatsAsGo(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
