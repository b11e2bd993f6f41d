using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>What clients see before any resource: TLS, discovery (and the fallback from aggregated discovery), OpenAPI, anonymous access.</summary>
public sealed class DiscoveryAndTransportTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    /// <summary>client-go's discovery Accept header (discovery_client.go): aggregated v2, v2beta1, then plain JSON.</summary>
    private const string DiscoveryAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    [Fact]
    public void ServingCertificate_CoversThePodsAddressesAndChainsToTheClusterCa()
    {
        var certificates = cluster.Server.Services.GetRequiredService<ClusterCertificates>();
        var names = certificates.Serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var addresses = names.EnumerateIPAddresses().ToList();
        Assert.Contains(IPAddress.Parse("127.0.0.1"), addresses);
        Assert.Contains(IPAddress.Parse("127.0.0.77"), addresses);
        Assert.Contains(IPAddress.Parse("10.96.0.1"), addresses);
        Assert.Contains("kubernetes.default.svc", names.EnumerateDnsNames());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificates.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificates.Serving));
    }

    [Fact]
    public Task AggregatedDiscoveryRequest_GetsPlainJson_SoClientsFallBack() => cluster.RunAsync(output, async () =>
    {
        using var http = Http(cluster.Server.AdminToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept", DiscoveryAccept);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain(response.Content.Headers.ContentType.Parameters, p => p.Name == "g");
        var groups = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("APIGroupList", (string)groups["kind"]!);
        Assert.Contains(groups["groups"]!.AsArray(), g => (string?)g!["name"] == "apps" && (string?)g["preferredVersion"]!["version"] == "v1");

        var pods = JsonNode.Parse(await http.GetStringAsync("/api/v1"))!["resources"]!.AsArray();
        var status = pods.Single(r => (string?)r!["name"] == "pods/status")!;
        Assert.Equal(("Pod", ""), ((string)status["kind"]!, (string)status["singularName"]!));
        var token = pods.Single(r => (string?)r!["name"] == "serviceaccounts/token")!;
        Assert.Equal(("authentication.k8s.io", "TokenRequest"), ((string)token["group"]!, (string)token["kind"]!));
    });

    [Fact]
    public Task OpenApiV3_ListsPatchWithFieldValidation_ForBuiltInAndCustomKinds() => cluster.RunAsync(output, async () =>
    {
        await cluster.Kubectl(null).ApplyAsync("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: probes.openapi.example.com
            spec:
              group: openapi.example.com
              names: {kind: Probe, plural: probes}
              scope: Cluster
              versions:
              - name: v1alpha1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """);
        using var http = Http(cluster.Server.AdminToken);
        var root = JsonNode.Parse(await http.GetStringAsync("/openapi/v3"))!["paths"]!;
        Assert.NotNull(root["api/v1"]);
        var custom = (string)root["apis/openapi.example.com/v1alpha1"]!["serverRelativeURL"]!;
        var document = JsonNode.Parse(await http.GetStringAsync(custom))!;
        var patch = document["paths"]!["/apis/openapi.example.com/v1alpha1/probes/{name}"]!["patch"]!;
        Assert.Equal("Probe", (string)patch["x-kubernetes-group-version-kind"]!["kind"]!);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation");
    });

    [Fact]
    public Task Anonymous_MayReadTheVersionButNotDiscovery_AndABadTokenIs401() => cluster.RunAsync(output, async () =>
    {
        using var anonymous = Http(null);
        Assert.Equal("v1.32.0", (string)JsonNode.Parse(await anonymous.GetStringAsync("/version"))!["gitVersion"]!);
        using var api = await anonymous.GetAsync("/api");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Contains("User \\\"system:anonymous\\\" cannot get path \\\"/api\\\"", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var forged = Http("not-a-token");
        using var refused = await forged.GetAsync("/api");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    });

    private HttpClient Http(string? token)
    {
        var ca = cluster.Server.Services.GetRequiredService<ClusterCertificates>().Ca;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Trust only the cluster's CA, as a kubeconfig's certificate-authority-data does.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 serving && chain.Build(serving);
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = cluster.Server.Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
