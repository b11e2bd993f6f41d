namespace ZkSync.ZooKeeper.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Parse_HostsAndPorts_KeepsTheirOrder()
    {
        var parsed = ConnectionString.Parse("zk1:2181,zk2.example.com:2182, 10.0.0.3:2183 ");

        Assert.Equal([new ServerAddress("zk1", 2181), new ServerAddress("zk2.example.com", 2182), new ServerAddress("10.0.0.3", 2183)], parsed.Servers);
        Assert.Null(parsed.Chroot);
    }

    [Fact]
    public void Parse_HostWithoutPort_UsesTheDefaultPort()
    {
        var parsed = ConnectionString.Parse("zk1,zk2:3000");

        Assert.Equal([new ServerAddress("zk1", 2181), new ServerAddress("zk2", 3000)], parsed.Servers);
    }

    [Fact]
    public void Parse_BracketedIpv6_SplitsHostAndPort()
    {
        var parsed = ConnectionString.Parse("[::1]:2181,[fe80::1%eth0]:2182,[2001:db8::7]");

        Assert.Equal([new ServerAddress("::1", 2181), new ServerAddress("fe80::1%eth0", 2182), new ServerAddress("2001:db8::7", 2181)], parsed.Servers);
        Assert.Equal("[::1]:2181", parsed.Servers[0].ToString());
    }

    [Fact]
    public void Parse_Chroot_IsSeparatedFromTheHosts()
    {
        var parsed = ConnectionString.Parse("a:1,b:2/apps/zksync");

        Assert.Equal([new ServerAddress("a", 1), new ServerAddress("b", 2)], parsed.Servers);
        Assert.Equal("/apps/zksync", parsed.Chroot);
        Assert.Equal("a:1,b:2/apps/zksync", parsed.ToString());
    }

    [Fact]
    public void Parse_RootChroot_MeansNoChroot()
    {
        Assert.Null(ConnectionString.Parse("a:1/").Chroot);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",")]
    [InlineData("/chroot")]
    [InlineData("host:")]
    [InlineData("host:port")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData(":2181")]
    [InlineData("[::1")]
    [InlineData("[::1]2181")]
    [InlineData("[]:2181")]
    [InlineData("a:1/chroot/")]
    [InlineData("a:1/chroot//x")]
    [InlineData("a:1/chroot/../x")]
    public void Parse_BadInput_ThrowsArgumentException(string value)
    {
        Assert.ThrowsAny<ArgumentException>(() => ConnectionString.Parse(value));
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ConnectionString.Parse(null!));
    }
}
