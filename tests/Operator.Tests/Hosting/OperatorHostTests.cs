using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkSync.Operator.Configuration;
using ZkSync.Operator.Endpoints;

namespace ZkSync.Operator.Tests.Hosting;

public sealed class OperatorHostTests
{
    [Fact]
    public void Build_WithoutImageOrAdminPassword_RefusesToStart_SayingWhatIsMissing()
    {
        var app = OperatorHost.Build(["--Kubeconfig=/nonexistent"], out var problems);

        Assert.Null(app);
        Assert.Contains(problems, p => p.StartsWith("Operator:Workers:Image is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Operator:ZooKeeper:AdminPassword", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RefusesInconsistentLeaderElectionTimings()
    {
        var options = new OperatorOptions { Workers = { Image = "i" }, ZooKeeper = { AdminPassword = "p" } };
        Assert.Empty(options.Validate());

        options.LeaderElection.RenewDeadlineSeconds = 20;
        Assert.Contains(options.Validate(), p => p.StartsWith("Operator:LeaderElection", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.1.2.3", 8080, "10.1.2.3:8080")]
    [InlineData("localhost", 0, "127.0.0.1:0")]
    [InlineData("[fd00::1]", 9090, "[fd00::1]:9090")]
    public void HttpAddress_IsAnIpOrLocalhost(string address, int port, string expected)
    {
        var http = new HttpOptions { Address = address, Port = port };
        Assert.Equal(expected, http.ListenEndPoint(podIp: "10.9.9.9")!.ToString());
    }

    [Fact]
    public void HttpAddress_DefaultsToThePodIp_AndAHostNameOrBadPortIsRefused()
    {
        Assert.Equal("10.9.9.9:8080", new HttpOptions().ListenEndPoint(podIp: "10.9.9.9")!.ToString());
        Assert.Equal("127.0.0.1:8080", new HttpOptions().ListenEndPoint(podIp: null)!.ToString());

        var options = new OperatorOptions { Workers = { Image = "i" }, ZooKeeper = { AdminPassword = "p" }, Http = { Address = "operator.example" } };
        Assert.Contains("Operator:Http:Address must be an IP address, localhost or * (every address), not 'operator.example'", options.Validate());
        options.Http = new HttpOptions { Port = 70000 };
        Assert.Contains("Operator:Http:Port must be 0-65535", options.Validate());
    }

    [Fact]
    public void ArgsPrefix_IsZkrsync_UnlessACommandIsGiven()
    {
        Assert.Equal(["zkrsync"], new WorkerImageOptions().ArgsPrefixOrDefault);
        Assert.Empty(new WorkerImageOptions { Command = ["/usr/bin/zkrsync"] }.ArgsPrefixOrDefault);
        Assert.Equal(["x"], new WorkerImageOptions { ArgsPrefix = ["x"] }.ArgsPrefixOrDefault);
    }

    [Fact]
    public void DnsPorts_FromTheConfiguration_ReplaceTheDefault_AndOutOfRangeOnesAreRefused()
    {
        Assert.Equal([53], new NetworkPolicyOptions().DnsPortsOrDefault);
        var options = new ConfigurationBuilder()
            .AddCommandLine(["--Operator:Workers:Image=i", "--Operator:ZooKeeper:AdminPassword=p", "--Operator:NetworkPolicy:DnsPorts:0=5353", "--Operator:NetworkPolicy:DnsPorts:1=1053"])
            .Build().GetSection(OperatorOptions.Section).Get<OperatorOptions>()!;
        Assert.Equal([5353, 1053], options.NetworkPolicy.DnsPortsOrDefault);
        Assert.Empty(options.Validate());

        options.NetworkPolicy.DnsPorts!.Add(65536);
        Assert.Contains("Operator:NetworkPolicy:DnsPorts: every port must be 1-65535", options.Validate());
    }

    [Fact]
    public async Task Host_ServesHealthReadinessAndMetrics_AndIsNotReadyWhileTheApiServerIsAway()
    {
        // An API server address where nothing listens: discovery fails, so the CRD is not known to be served.
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"zksync-op-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
        try
        {
            var app = OperatorHost.Build(
                [$"--Kubeconfig={kubeconfig}", "--Operator:Workers:Image=img", "--Operator:ZooKeeper:AdminPassword=pw",
                 "--Operator:Http:Address=127.0.0.1", "--Operator:Http:Port=0", "--Operator:LogLevel=Warning"], out var problems);
            Assert.Empty(problems);
            using (app)
            {
                await app!.StartAsync();
                var endPoint = app.Services.GetRequiredService<EndpointServer>().EndPoint!;
                Assert.Equal(IPAddress.Loopback, endPoint.Address);
                Assert.NotEqual(0, endPoint.Port);
                using var http = new HttpClient { BaseAddress = new Uri($"http://{endPoint}") };

                var health = await http.GetAsync("/healthz");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                var ready = await http.GetAsync("/readyz");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("waiting for the ZkRsyncSession CRD", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                var metrics = await http.GetStringAsync("/metrics");
                Assert.Contains("zksync_leader", metrics, StringComparison.Ordinal);
                Assert.Contains("zksync_reconcile_duration_seconds", metrics, StringComparison.Ordinal);

                await app.StopAsync();
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync("/healthz"));
            }
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
