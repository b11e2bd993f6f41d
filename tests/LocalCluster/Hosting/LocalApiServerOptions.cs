using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>How to start a <see cref="LocalApiServer"/>.</summary>
public sealed record LocalApiServerOptions
{
    /// <summary>The 127.0.0.1 port to serve on; 0 for a free one.</summary>
    public int Port { get; init; }

    /// <summary>The addresses the serving certificate names (127.0.0.1-254 and the kubernetes Service's by default).</summary>
    public IReadOnlyList<IPAddress> CertificateAddresses { get; init; } = ClusterCertificates.DefaultAddresses;

    /// <summary>How often watches that asked for them get a BOOKMARK (a real server: about every minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many changes watches can start from before they get 410 Gone.</summary>
    public int RetainedEvents { get; init; } = Storage.ObjectStore.DefaultRetainedEvents;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the server logs; null for nowhere.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>
    /// More services for the host: controllers, a kubelet (<c>IHostedService</c>s resolving
    /// <see cref="Api.ResourceService"/>), an <see cref="Http.IPodLogSource"/> replacing the default.
    /// </summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
