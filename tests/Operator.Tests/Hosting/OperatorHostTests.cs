using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ZkSync.Operator.Configuration;

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
            await using (app)
            {
                await app!.StartAsync();
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
                using var http = new HttpClient { BaseAddress = new Uri(address) };

                var health = await http.GetAsync("/healthz");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                var ready = await http.GetAsync("/readyz");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("waiting for the ZkRsyncSession CRD", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                var metrics = await http.GetStringAsync("/metrics");
                Assert.Contains("zksync_leader", metrics, StringComparison.Ordinal);
                Assert.Contains("zksync_reconcile_duration_seconds", metrics, StringComparison.Ordinal);

                await app.StopAsync();
            }
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
