using Xunit;
using Xunit.Abstractions;

namespace ZkSync.Testing;

/// <summary>
/// One three-member ZooKeeper ensemble shared by the tests of a class or collection; it serves
/// (a leader and two followers) when the first test runs. A test that stops or kills a member must
/// start it again and await <see cref="ZooKeeperEnsemble.WaitForQuorumAsync"/> before it ends, so
/// the next test finds the ensemble whole.
/// </summary>
/// <remarks>
/// Call <see cref="WriteLogTo"/> with the test's <see cref="ITestOutputHelper"/> to dump every member's
/// log; xunit shows a test's output only when the test fails. Not sealed: derive and override
/// <see cref="Options"/> to configure the members.
/// </remarks>
public class ZooKeeperEnsembleFixture : IAsyncLifetime
{
    private ZooKeeperEnsemble? _ensemble;

    public ZooKeeperEnsemble Ensemble => _ensemble ?? throw new InvalidOperationException("The ZooKeeper ensemble fixture is not initialized.");

    /// <summary>All members: "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectionString => Ensemble.ConnectionString;

    protected virtual ZooKeeperServerOptions Options => ZooKeeperServerOptions.Default;

    /// <summary>Writes every member's log (all runs) to a test's output.</summary>
    public void WriteLogTo(ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"----- ZooKeeper ensemble {Ensemble.ConnectionString} log -----");
        output.WriteLine(Ensemble.Log);
    }

    /// <summary>Runs <paramref name="test"/>; if it throws, writes the log to <paramref name="output"/> and rethrows.</summary>
    public Task RunWithLogOnFailureAsync(ITestOutputHelper output, Func<Task> test) =>
        LogOnFailure.RunAsync(output, () => Ensemble.Log, test);

    public async Task InitializeAsync() =>
        _ensemble = await ZooKeeperEnsemble.StartNewAsync(Options, CancellationToken.None).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_ensemble is not null)
        {
            await _ensemble.DisposeAsync().ConfigureAwait(false);
        }
    }
}
