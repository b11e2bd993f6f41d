using Microsoft.Extensions.Logging.Abstractions;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>
/// One process runtime shared by the tests of a class, in its own directory under the temporary directory
/// (test.sh points TMPDIR at a directory it cleans), with a short crash-loop back-off so restarts stay quick.
/// </summary>
public sealed class RuntimeFixture : IAsyncLifetime
{
    public static readonly TimeSpan InitialBackOff = TimeSpan.FromMilliseconds(400);

    private ProcessRuntime? _runtime;

    public ProcessRuntime Runtime => _runtime ?? throw new InvalidOperationException("The runtime fixture is not initialized.");

    public string RootDirectory { get; } = Path.Combine(Path.GetTempPath(), "zksync-runtime-" + Guid.NewGuid().ToString("N")[..8]);

    public static ProcessRuntimeOptions Options(string rootDirectory) => new()
    {
        RootDirectory = rootDirectory,
        InitialBackOff = InitialBackOff,
        MaxBackOff = TimeSpan.FromSeconds(5),
        ShutdownGracePeriod = TimeSpan.FromSeconds(2),
    };

    public async Task InitializeAsync() =>
        _runtime = await ProcessRuntime.StartAsync(Options(RootDirectory), NullLoggerFactory.Instance).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync().ConfigureAwait(false);
        }
    }
}
