using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// Where pods reach the API server: 127.0.0.1 and the port it serves on (there is no kube-proxy to forward the
/// <c>kubernetes</c> Service's 443), given to containers as <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c> so in-cluster
/// configuration (client-go, KubernetesClient) connects unchanged; the serving certificate covers 127.0.0.1.
/// </summary>
public sealed class ApiServerEndpoint
{
    public const string Host = "127.0.0.1";
    private readonly IServer _server;

    public ApiServerEndpoint(IServer server) => _server = server;

    /// <summary>The port, once the server listens.</summary>
    public int Port
    {
        get
        {
            var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("the API server does not listen yet");
            return new Uri(address).Port;
        }
    }

    /// <summary>The variables the kubelet gives every container for the <c>kubernetes</c> Service.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ServiceEnvironment()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var url = $"tcp://{Host}:{port}";
        return
        [
            new("KUBERNETES_SERVICE_HOST", Host),
            new("KUBERNETES_SERVICE_PORT", port),
            new("KUBERNETES_SERVICE_PORT_HTTPS", port),
            new("KUBERNETES_PORT", url),
            new($"KUBERNETES_PORT_{port}_TCP", url),
            new($"KUBERNETES_PORT_{port}_TCP_PROTO", "tcp"),
            new($"KUBERNETES_PORT_{port}_TCP_PORT", port),
            new($"KUBERNETES_PORT_{port}_TCP_ADDR", Host),
        ];
    }
}
