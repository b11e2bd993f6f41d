using ZkSync.Testing;
using System.Net;
using System.Net.Sockets;

namespace ZkSync.ZooKeeper.Tests.Infrastructure;

public sealed class FreePortTests
{
    [Fact]
    public void Reserve_ReturnsDistinctPortsThatCanBeBoundOnLoopback()
    {
        var ports = FreePort.Reserve(9);

        Assert.Equal(9, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void Next_NeverReturnsAPortTwice()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => FreePort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
