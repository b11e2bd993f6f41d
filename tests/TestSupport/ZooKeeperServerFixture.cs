using Xunit;
using Xunit.Abstractions;

namespace ZkSync.Testing;

/// <summary>
/// One standalone ZooKeeper server shared by the tests of a class (<c>IClassFixture&lt;ZooKeeperServerFixture&gt;</c>)
/// or of a collection (<c>[CollectionDefinition]</c> + <c>ICollectionFixture</c>, declared in the test assembly).
/// Tests sharing it should each work under their own chroot or path so they do not see each other's nodes.
/// </summary>
/// <remarks>
/// To see the server's log when a test fails, call <see cref="WriteLogTo"/> with the test's
/// <see cref="ITestOutputHelper"/> (e.g. from the test class's Dispose, or in a catch before rethrowing).
/// xunit shows a test's output only when the test fails; the .trx keeps it for every test.
/// Not sealed: derive and override <see cref="Options"/> to configure the server.
/// </remarks>
public class ZooKeeperServerFixture : IAsyncLifetime
{
    private ZooKeeperServer? _server;

    public ZooKeeperServer Server => _server ?? throw new InvalidOperationException("The ZooKeeper fixture is not initialized.");

    /// <summary>"127.0.0.1:port".</summary>
    public string ConnectionString => Server.ConnectionString;

    protected virtual ZooKeeperServerOptions Options => ZooKeeperServerOptions.Default;

    /// <summary>Writes the server's log (all runs) to a test's output.</summary>
    public void WriteLogTo(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"----- ZooKeeper {Server.ConnectionString} log -----");
        output.WriteLine(Server.Log);
    }

    /// <summary>Runs <paramref name="test"/>; if it throws, writes the log to <paramref name="output"/> and rethrows.</summary>
    public Task RunWithLogOnFailureAsync(ITestOutputHelper output, Func<Task> test) =>
        LogOnFailure.RunAsync(output, () => Server.Log, test);

    public async Task InitializeAsync() =>
        _server = await ZooKeeperServer.StartNewAsync(Options, CancellationToken.None).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
