using Xunit.Abstractions;
using ZkSync.Testing;

namespace ZkSync.ZooKeeper.Tests;

public sealed class ZooKeeperClientDisposeTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    [Fact]
    public Task DisposeAsync_CalledTwice_DoesNotThrow() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = fixture.ConnectionString }, timeout.Token);

            await client.DisposeAsync();
            await client.DisposeAsync();

            Assert.Equal(ZooKeeperState.Closed, client.State);
        });
}
