using k8s;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Hosting;
using ZkSync.Testing;

namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>
/// One local API server per test class (in-process, the same code the executable runs), with a
/// fresh namespace per test and the clients tests drive it with: kubectl and helm as real processes,
/// KubernetesClient in-process.
/// </summary>
public class LocalClusterFixture : IAsyncLifetime
{
    private readonly CapturedLog _log = new();
    private LocalApiServer? _server;
    private string? _directory;

    public LocalApiServer Server => _server ?? throw new InvalidOperationException("The local cluster fixture is not initialized.");

    /// <summary>A directory for this class's kubeconfigs, caches and charts, removed at the end.</summary>
    public string Directory => _directory ?? throw new InvalidOperationException("The local cluster fixture is not initialized.");

    public ResourceService Resources => Server.Resources;

    protected virtual LocalApiServerOptions Options => new();

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("local-cluster-tests-").FullName;
        _server = await StartServerAsync(
            logging => logging.AddProvider(_log).SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning),
            CancellationToken.None).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        await StopServerAsync().ConfigureAwait(false);

        if (_directory is not null)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Starts the API server this class's tests use, logging to <paramref name="logging"/>.</summary>
    protected virtual async Task<LocalApiServer> StartServerAsync(Action<ILoggingBuilder> logging, CancellationToken cancellationToken) =>
        await LocalApiServer.StartAsync(Options with { ConfigureLogging = logging }, cancellationToken).ConfigureAwait(false);

    /// <summary>Stops what <see cref="StartServerAsync"/> started.</summary>
    protected virtual async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs a test body; if it throws, the server's log goes to the test's output.</summary>
    public Task RunAsync(ITestOutputHelper output, Func<Task> test) => LogOnFailure.RunAsync(output, _log.ToString, test);

    /// <summary>Creates a namespace no other test uses.</summary>
    public string CreateNamespace(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        Resources.Create(Resources.Registry.Find("", "v1", "namespaces")!, null,
            new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name } }, new WriteOptions());
        return name;
    }

    /// <summary>kubectl as the admin (or as the owner of <paramref name="token"/>), with a fresh cache directory.</summary>
    public Kubectl Kubectl(string? ns, string? token = null)
    {
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"kubectl-{Guid.NewGuid():N}")).FullName;
        var kubeconfig = Path.Combine(home, "kubeconfig");
        Hosting.Kubeconfig.Write(kubeconfig, Server.Kubeconfig(token));
        return new Kubectl(kubeconfig, Path.Combine(home, "cache"), ns);
    }

    /// <summary>helm as the admin, with its own cache, config and data directories.</summary>
    public Helm Helm(string ns)
    {
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"helm-{Guid.NewGuid():N}")).FullName;
        var kubeconfig = Path.Combine(home, "kubeconfig");
        Hosting.Kubeconfig.Write(kubeconfig, Server.Kubeconfig());
        return new Helm(kubeconfig, home, ns);
    }

    /// <summary>A KubernetesClient configured from a kubeconfig, as an application would be.</summary>
    public IKubernetes Client(string? token = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Server.Kubeconfig(token)));
        return new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }
}
