using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class HostIdentityTests
{
    private static ZkRsyncOptions Options(params string[] extra) =>
        ZkRsyncOptionsParser.Parse(["--servers", "zk", "-D", "-r", "/d", .. extra], new Dictionary<string, string>(), out _, _ => 0)!;

    [Fact]
    public void AdvertisedHost_DefaultsToTheFqdn()
    {
        Assert.Equal("node7.cluster.local", HostIdentity.AdvertisedHost(Options(), () => "node7.cluster.local"));
    }

    [Fact]
    public void AdvertisedHost_WithDomain_UsesShortNameDotDomain()
    {
        Assert.Equal("node7.example.org", HostIdentity.AdvertisedHost(Options("--domain", "example.org"), () => "node7.cluster.local"));
    }

    [Fact]
    public void AdvertisedHost_ExplicitHost_Wins()
    {
        Assert.Equal("10.1.2.3", HostIdentity.AdvertisedHost(Options("--host", "10.1.2.3", "--domain", "x"), () => "n"));
    }

    [Fact]
    public void BindAddress_DefaultsToTheAdvertisedAddress()
    {
        Assert.Equal("10.1.2.3", HostIdentity.BindAddress(Options(), "10.1.2.3"));
        Assert.Equal("0.0.0.0", HostIdentity.BindAddress(Options("--bind", "0.0.0.0"), "10.1.2.3"));
    }

    [Fact]
    public void Fqdn_IsNotEmpty()
    {
        Assert.False(string.IsNullOrWhiteSpace(HostIdentity.Fqdn()));
    }

    [Fact]
    public void Fqdn_TakesTheFirstNameWithADot_TheCanonicalNameFirst()
    {
        Assert.Equal("node7.cluster.local", HostIdentity.Fqdn("node7", _ => ("node7.cluster.local", ["node7"])));
        Assert.Equal("node7.example.org", HostIdentity.Fqdn("node7", _ => ("node7", ["n7", "node7.example.org", "x.y"])));
    }

    [Fact]
    public void Fqdn_WithoutAnyDottedName_IsTheCanonicalName_NotTheHostName()
    {
        // Python: gethostbyaddr("vm") on a host whose /etc/hosts maps 127.0.0.1 to "localhost" first gives "localhost".
        Assert.Equal("localhost", HostIdentity.Fqdn("vm", _ => ("localhost", [])));
    }

    [Fact]
    public void Fqdn_WhenTheLookupFails_IsTheHostName()
    {
        Assert.Equal("vm", HostIdentity.Fqdn("vm", _ => null));
    }
}
