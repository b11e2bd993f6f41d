using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Cli;

/// <summary>
/// A destination whose first port is held by another program on the host (what <c>zkrsync local</c>'s destinations
/// meet when something else listens in their block): it moves on to the next free port, and what it registers is
/// its own rsync daemon, not the other program's listener.
/// </summary>
public sealed class DestinationPortTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Destination_WhoseStartPortAnotherProgramHolds_ServesOnTheNextPort()
    {
        using var scratch = new ScratchDirectory();
        var start = FreePort.Block(4);
        using var squatter = new TcpListener(IPAddress.Loopback, start);
        squatter.Start();
        var next = start + 1;

        await zooKeeper.RunWithLogOnFailureAsync(output, async () =>
        {
            await using var destination = ZkRsyncProcess.Start("dest", [
                "--servers", zooKeeper.ConnectionString, "-D", "-N", $"port-{Guid.NewGuid():N}", "-r", scratch.Subdirectory("dst"),
                "--host", "127.0.0.1", "--startport", start.ToString(CultureInfo.InvariantCulture),
                "--tmpdir", scratch.Subdirectory("tmp"), "--logfile="]);
            try
            {
                await destination.WaitForLineAsync($"with port {next} (", Timeout);
                Assert.DoesNotContain($"Reserved port {start}\n", destination.Output + "\n", StringComparison.Ordinal);
                Assert.Equal("@RSYNCD:", await GreetingAsync(next));
            }
            finally
            {
                output.WriteLine(destination.Output);
            }
        });
    }

    /// <summary>The first 8 bytes the listener at 127.0.0.1:<paramref name="port"/> sends: an rsync daemon greets with "@RSYNCD:".</summary>
    private static async Task<string> GreetingAsync(int port)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var buffer = new byte[8];
        await client.GetStream().ReadExactlyAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer);
    }
}
