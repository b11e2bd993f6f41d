using ZkSync.Testing;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.IntegrationTests.Cli;

/// <summary>Our default whoami host equals the original's (<c>socket.getfqdn()</c>) on this machine, so a mixed
/// session without <c>--host</c> names every host alike.</summary>
public sealed class HostIdentityPythonTests
{
    [Fact]
    public async Task Fqdn_EqualsPythonsSocketGetfqdn_OnThisHost()
    {
        var result = (await KazooScript.RunAsync("import socket; print(socket.getfqdn())", [], null, TimeSpan.FromSeconds(60), CancellationToken.None)).EnsureSuccess();

        Assert.Equal(result.StandardOutput.Trim(), HostIdentity.Fqdn());
    }
}
