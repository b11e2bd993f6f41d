using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Controllers.Network;
using ZkSync.LocalCluster.Controllers.Volumes;
using ZkSync.LocalCluster.Controllers.Workloads;
using ZkSync.LocalCluster.Http;
using ZkSync.LocalCluster.Kubelet;
using ZkSync.LocalCluster.Kubelet.Runtime;
using ZkSync.LocalCluster.Scheduling;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>
/// The local Kubernetes: the API server with its controllers (Jobs, Deployments and ReplicaSets, StatefulSets,
/// endpoints, persistent volumes, attach/detach, TTL), the scheduler, and a kubelet that runs the pods of its nodes
/// as local processes. The executable runs one; tests start one per test class in-process. Disposing it stops every
/// pod and removes what it made on the host: no process, mount or file is left. (Not named <c>LocalCluster</c>: in
/// code under <c>ZkSync.*</c> that name would find the namespace <c>ZkSync.LocalCluster</c> first.)
/// </summary>
/// <example>
/// <code>
/// await using var cluster = await LocalClusterHost.StartAsync(new LocalClusterOptions
/// {
///     Images = [new ImageMapping("busybox", "/opt/images/busybox")],
///     Nodes = [new LocalNode("node-1"), new LocalNode("node-2") { Taints = ["dedicated=zk:NoSchedule"] }],
/// }, cancellationToken);
/// cluster.WriteKubeconfig("/tmp/kubeconfig");   // kubectl, helm ...
/// var client = cluster.ApiServer.Resources;      // or in-process
/// </code>
/// </example>
public sealed class LocalClusterHost : IAsyncDisposable
{
    private readonly ProcessRuntime _runtime;
    private readonly ILoggerFactory _runtimeLogging;
    private readonly bool _ownsDataDirectory;
    private int _disposed;

    private LocalClusterHost(LocalApiServer apiServer, ProcessRuntime runtime, ILoggerFactory runtimeLogging, ClusterPaths paths, bool ownsDataDirectory)
    {
        ApiServer = apiServer;
        _runtime = runtime;
        _runtimeLogging = runtimeLogging;
        Paths = paths;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public LocalApiServer ApiServer { get; }

    public ClusterPaths Paths { get; }

    public Uri Url => ApiServer.Url;

    public static async Task<LocalClusterHost> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Nodes.Count == 0 || options.Nodes.Select(n => n.Name).Distinct(StringComparer.Ordinal).Count() != options.Nodes.Count)
        {
            throw new ArgumentException("the cluster needs at least one node, each with its own name");
        }

        var owns = options.DataDirectory is null;
        var dataDirectory = owns
            ? Directory.CreateTempSubdirectory("local-cluster-").FullName
            : Directory.CreateDirectory(Path.GetFullPath(options.DataDirectory!)).FullName;
        var paths = new ClusterPaths(dataDirectory);
        var pool = new PodAddressPool(options.PodNetwork);
        var loggerFactory = LoggerFactory.Create(logging => options.ConfigureLogging?.Invoke(logging));
        var time = options.ApiServer.TimeProvider;
        ProcessRuntime? runtime = null;
        try
        {
            runtime = await ProcessRuntime.StartAsync(new ProcessRuntimeOptions
            {
                RootDirectory = paths.KubeletDirectory,
                InitialBackOff = options.RestartBackOff,
                MaxBackOff = options.MaxRestartBackOff,
                ShutdownGracePeriod = options.ShutdownGracePeriod,
            }, loggerFactory, time, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(paths.VolumesDirectory);
            var apiOptions = options.ApiServer with
            {
                CertificateAddresses = [.. options.ApiServer.CertificateAddresses.Union(pool.Addresses)],
                ConfigureLogging = options.ConfigureLogging ?? options.ApiServer.ConfigureLogging,
                ConfigureServices = services =>
                {
                    AddClusterServices(services, options, paths, pool, runtime);
                    options.ApiServer.ConfigureServices?.Invoke(services);
                },
            };
            var server = await LocalApiServer.StartAsync(apiOptions, cancellationToken).ConfigureAwait(false);
            return new LocalClusterHost(server, runtime, loggerFactory, paths, owns);
        }
        catch
        {
            if (runtime is not null)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }

            RemoveFiles(paths, owns);
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>A kubeconfig for this cluster (the admin's identity unless a token is given), current context set.</summary>
    public string Kubeconfig(string? token = null, string user = UserInfo.AdminName, string? ns = null) => ApiServer.Kubeconfig(token, user, ns);

    /// <summary>Writes the admin kubeconfig to <paramref name="path"/> atomically.</summary>
    public void WriteKubeconfig(string path) => ApiServer.WriteKubeconfig(path);

    /// <summary>Stops the controllers and the kubelet, every pod (SIGTERM, SIGKILL after its grace period, at most
    /// <see cref="LocalClusterOptions.ShutdownGracePeriod"/>), the API server; then removes the cluster's files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await ApiServer.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await _runtime.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                RemoveFiles(Paths, _ownsDataDirectory);
                _runtimeLogging.Dispose();
            }
        }
    }

    private static void AddClusterServices(IServiceCollection services, LocalClusterOptions options, ClusterPaths paths, PodAddressPool pool, ProcessRuntime runtime)
    {
        services.AddSingleton(paths);
        services.AddSingleton(pool);
        services.AddSingleton(runtime);
        services.AddSingleton(options.Jobs);
        services.AddSingleton(new ImageStore(options.Images));
        services.AddSingleton<ClusterTypes>(provider => new ClusterTypes(provider.GetRequiredService<ResourceService>().Registry));
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<VolumeBinder>();
        services.AddSingleton<VolumeAttachments>();
        services.AddSingleton<ApiServerEndpoint>();
        services.AddHostedService<PersistentVolumeController>();
        services.AddHostedService<AttachDetachController>();
        services.AddHostedService<EndpointsController>();
        services.AddHostedService<JobController>();
        services.AddHostedService<TtlAfterFinishedController>();
        services.AddHostedService<ReplicaSetController>();
        services.AddHostedService<DeploymentController>();
        services.AddHostedService<StatefulSetController>();
        services.AddHostedService<Scheduler>();
        services.AddSingleton(provider => new LocalKubelet(
            provider.GetRequiredService<ResourceService>(),
            provider.GetRequiredService<ClusterTypes>(),
            provider.GetRequiredService<EventRecorder>(),
            runtime,
            pool,
            provider.GetRequiredService<ImageStore>(),
            provider.GetRequiredService<VolumeAttachments>(),
            provider.GetRequiredService<ApiServerEndpoint>(),
            options.Nodes,
            provider.GetRequiredService<TokenAuthority>(),
            provider.GetRequiredService<ClusterCertificates>().CaPem,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<LocalKubelet>>()));
        services.AddHostedService(provider => provider.GetRequiredService<LocalKubelet>());
        services.Replace(ServiceDescriptor.Singleton<IPodLogSource, KubeletPodLogs>());
    }

    private static void RemoveFiles(ClusterPaths paths, bool ownsDataDirectory)
    {
        foreach (var directory in ownsDataDirectory ? [paths.DataDirectory] : new[] { paths.VolumesDirectory, paths.KubeletDirectory })
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (IOException)
            {
                // A file still held open by a dying process: the next start of a runtime in it cleans it.
            }
        }
    }
}
