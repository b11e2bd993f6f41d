using ZkSync.Testing;
using Xunit.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// Runs a client test against a fixture's server: makes the test's chroot, connects a client under
/// it (its log goes to the test output), bounds the whole test with a timeout, and dumps the
/// server log when the test fails.
/// </summary>
internal static class ClientTest
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Task RunAsync(ZooKeeperServerFixture fixture, ITestOutputHelper output, Func<ClientTestContext, Task> test) =>
        fixture.RunWithLogOnFailureAsync(output, () => RunAsync(fixture.ConnectionString, output, test));

    public static async Task RunAsync(string servers, ITestOutputHelper output, Func<ClientTestContext, Task> test)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var loggerFactory = TestOutputLoggerProvider.CreateFactory(output);
        var chroot = await TestChroot.CreateAsync(servers, timeout.Token, loggerFactory);
        await using var client = await chroot.ConnectAsync(timeout.Token);
        await test(new ClientTestContext(chroot, client, timeout.Token));
    }
}

/// <summary>What a client test gets: its chroot, a client connected under it, and its deadline.</summary>
internal sealed record ClientTestContext(TestChroot Chroot, ZooKeeperClient Client, CancellationToken Token);
