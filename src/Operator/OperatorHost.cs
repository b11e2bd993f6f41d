using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using ZkSync.Operator.Configuration;
using ZkSync.Operator.Endpoints;
using ZkSync.Operator.Runtime;
using ZkSync.Operator.ZooKeeper;

namespace ZkSync.Operator;

/// <summary>Builds the operator's host: configuration (appsettings.json, environment, command line), Serilog JSON
/// logs, the Kubernetes client, the main loop, and /healthz, /readyz and /metrics on the pod IP. Program.cs and
/// the tests (which run operators in-process) use the same code.</summary>
public static class OperatorHost
{
    public const string HelpText = """
        Usage: zksync-operator [--Key=value ...]

        Reconciles zksync.io/v1alpha1 ZkRsyncSession resources into zkrsync worker Jobs.
        Configuration: appsettings.json, then environment variables (Operator__ZooKeeper__Servers or
        ZKSYNC_Operator__ZooKeeper__Servers), then the command line (--Operator:ZooKeeper:Servers=zk:2181).

          Kubeconfig                          kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)
          Operator:WatchNamespaces:N          namespaces to watch (default: all)
          Operator:Namespace                  namespace of the leader Lease (default: POD_NAMESPACE)
          Operator:Instance                   this replica's identity (default: POD_NAME)
          Operator:Workers:Image              zkrsync image of the worker pods (required)
          Operator:Workers:ArgsPrefix:N       args before zkrsync's options (default: zkrsync)
          Operator:ZooKeeper:Servers          default ensemble, host:port,host:port
          Operator:ZooKeeper:AdminUser        the operator's digest user (default: zksync-operator)
          Operator:ZooKeeper:AdminPassword    its password (or AdminPasswordFile)
          Operator:LeaderElection:Enabled     true (default) or false
          Operator:NetworkPolicy:Enabled      a NetworkPolicy per session (default: false)
          Operator:NetworkPolicy:DnsPorts:N   DNS ports its workers may reach, UDP and TCP (default: 53)
          Operator:Concurrency                sessions reconciled at once (default: 16)
          Operator:FinishedJobsGraceSeconds   a finished pass's Jobs may finish alone this long (default: 30)
          Operator:Http:Address / Port        where /healthz, /readyz, /metrics listen: an IP, localhost or *; a port
                                              (default: POD_IP, 8080)
          Operator:LogLevel                   Debug, Information (default), Warning ...
        """;

    /// <summary>The host, or null with the problems (one line each) when the configuration is invalid.</summary>
    public static IHost? Build(string[] args, out IReadOnlyList<string> problems, Action<IServiceCollection>? configureServices = null)
    {
        // The empty builder: nothing the operator does not use (no console or debug logging providers, no file
        // watchers); the configuration sources are the ones the web host had, in its order.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environments.Production,
        });
        builder.Configuration
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{builder.Environment.EnvironmentName}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddEnvironmentVariables("ZKSYNC_")
            .AddCommandLine(args);
        var options = builder.Configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
        if (options.ZooKeeper.AdminPasswordFile is { Length: > 0 } file && options.ZooKeeper.AdminPassword is null)
        {
            options.ZooKeeper.AdminPassword = File.Exists(file) ? File.ReadLines(file).FirstOrDefault()?.Trim() : null;
        }

        var list = options.Validate();
        var podIp = Environment.GetEnvironmentVariable("POD_IP");
        var endPoint = options.Http.ListenEndPoint(podIp);
        if (endPoint is null && options.Http.Address is null && options.Http.HasValidPort)
        {
            // The port is valid and no address is configured: the address that is not one came from the downward API.
            list.Add($"POD_IP '{podIp}' is not an IP address: set Operator:Http:Address");
        }

        problems = list;
        if (list.Count > 0 || endPoint is null)
        {
            return null;
        }

        var level = Enum.TryParse<LogEventLevel>(builder.Configuration["Operator:LogLevel"], ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
        builder.Services.AddSerilog((_, logger) => logger
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("instance", OperatorService.InstanceOf(options))
            .WriteTo.Console(new RenderedCompactJsonFormatter()), preserveStaticLogger: true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        var kubeconfig = builder.Configuration["Kubeconfig"];
        var clientConfiguration = kubeconfig is not null
            ? KubeconfigFile.Load(kubeconfig)
            : KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig();
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(clientConfiguration));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OperatorHealth>();
        builder.Services.AddSingleton(_ => new OperatorMetrics());
        builder.Services.AddSingleton(sp => new ZooKeeperConnections(
            new ZooKeeperCredentials(options.ZooKeeper.AdminUser, options.ZooKeeper.AdminPassword!),
            new ZooKeeperConnectionSettings(TimeSpan.FromSeconds(options.ZooKeeper.SessionTimeoutSeconds), TimeSpan.FromSeconds(options.ZooKeeper.ConnectTimeoutSeconds)),
            sp.GetRequiredService<ILoggerFactory>()));

        // The endpoints start before the main loop and stop after it (hosted services stop in reverse order): the
        // probes answer for as long as the process runs.
        builder.Services.AddSingleton<OperatorEndpoints>();
        builder.Services.AddSingleton(sp => new EndpointServer(endPoint, sp.GetRequiredService<OperatorEndpoints>().AnswerAsync,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EndpointServer>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EndpointServer>());
        builder.Services.AddHostedService<OperatorService>();
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
