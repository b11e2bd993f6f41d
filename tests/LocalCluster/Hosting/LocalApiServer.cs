using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Http;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>
/// The local Kubernetes API server: Kestrel on 127.0.0.1 over HTTPS with its own CA, the store,
/// the resource semantics, the built-in controllers (namespaces, garbage collection, CRDs, RBAC
/// aggregation) and whatever <see cref="LocalApiServerOptions.ConfigureServices"/> adds. The same
/// instance serves kubectl and helm over HTTP and in-process callers through <see cref="Resources"/>.
/// </summary>
public sealed class LocalApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ClusterCertificates _certificates;

    private LocalApiServer(WebApplication app, ClusterCertificates certificates, Uri url)
    {
        _app = app;
        _certificates = certificates;
        Url = url;
    }

    /// <summary>The server's address, <c>https://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; }

    /// <summary>The cluster CA in PEM (the kubeconfig's certificate-authority-data, pods' ca.crt).</summary>
    public string CaPem => _certificates.CaPem;

    /// <summary>The admin's bearer token (system:masters).</summary>
    public string AdminToken => Tokens.AdminToken;

    /// <summary>The resource layer: what in-process controllers, the kubelet and tests read, write and watch.</summary>
    public ResourceService Resources => _app.Services.GetRequiredService<ResourceService>();

    public ObjectStore Store => _app.Services.GetRequiredService<ObjectStore>();

    public TokenAuthority Tokens => _app.Services.GetRequiredService<TokenAuthority>();

    /// <summary>Every request the server authorized or refused: who, what, and which RBAC rule allowed it.</summary>
    public AuthorizationLog Authorizations => _app.Services.GetRequiredService<AuthorizationLog>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; returns once it serves and the cluster's initial objects exist.</summary>
    public static async Task<LocalApiServer> StartAsync(LocalApiServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificates = ClusterCertificates.Create(options.CertificateAddresses, options.TimeProvider);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificates.Serving);
            });
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        AddServices(builder.Services, options, certificates);
        options.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var handler = app.Services.GetRequiredService<ApiRequestHandler>();
        app.Run(handler.HandleAsync);

        var initializer = app.Services.GetRequiredService<NamespaceInitializer>();
        app.Services.GetRequiredService<CustomResourceDefinitionController>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            ClusterBootstrap.Populate(app.Services.GetRequiredService<ResourceService>(), initializer, port);
            return new LocalApiServer(app, certificates, new Uri($"https://127.0.0.1:{port}"));
        }
        catch
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>A kubeconfig for this server with the given identity's token (the admin's by default), current context set.</summary>
    public string Kubeconfig(string? token = null, string user = UserInfo.AdminName, string? ns = null) =>
        Hosting.Kubeconfig.Render(Url, CaPem, token ?? AdminToken, user, ns);

    /// <summary>Writes the admin kubeconfig to <paramref name="path"/> atomically.</summary>
    public void WriteKubeconfig(string path) => Hosting.Kubeconfig.Write(path, Kubeconfig());

    /// <summary>Test hook: ends every client's open watch (in-process controllers keep theirs).</summary>
    public int DropWatches(WatchDropMode mode) => Store.DropWatches(mode);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Store.DropWatches(WatchDropMode.Close);
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _certificates.Dispose();
        }
    }

    private static void AddServices(IServiceCollection services, LocalApiServerOptions options, ClusterCertificates certificates)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(certificates);
        services.AddSingleton(_ => new ObjectStore { RetainedEvents = options.RetainedEvents });
        services.AddSingleton<ResourceRegistry>();
        services.AddSingleton<BuiltInAdmission>();
        services.AddSingleton<ResourceService>();
        services.AddSingleton<TokenAuthority>();
        services.AddSingleton<AuthorizationLog>();
        services.AddSingleton<RbacAuthorizer>();
        services.AddSingleton<TableConverter>();
        services.AddSingleton<WatchStreamer>();
        services.AddSingleton<SubresourceEndpoints>();
        services.AddSingleton<ReviewEndpoints>();
        services.AddSingleton<ApiRequestHandler>();
        services.TryAddSingleton<IPodLogSource, NoPodLogs>();
        services.AddSingleton(provider => new NamespaceInitializer(provider.GetRequiredService<ResourceService>(), certificates.CaPem));
        services.AddSingleton<CustomResourceDefinitionController>();
        services.AddHostedService(provider => provider.GetRequiredService<CustomResourceDefinitionController>());
        services.AddHostedService<NamespaceController>();
        services.AddHostedService<GarbageCollector>();
        services.AddHostedService<ClusterRoleAggregator>();
        services.AddHostedService<BookmarkTicker>();
    }
}
