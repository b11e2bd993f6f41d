using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The real helm installs, upgrades and uninstalls a chart with a CRD, RBAC, a Service and a custom resource.</summary>
public sealed class HelmTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    private static string Chart => Path.Combine(AppContext.BaseDirectory, "Charts", "demo");

    [Fact]
    public Task InstallUpgradeUninstall_OfTheTestChart_LeaveWhatAClusterWould() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var helm = cluster.Helm(ns);
        var kubectl = cluster.Kubectl(ns);

        var install = await helm.RunAsync("install", "demo", Chart, "--wait", "--timeout", "60s");
        Assert.Contains("STATUS: deployed", install, StringComparison.Ordinal);
        Assert.Equal("hello", await kubectl.RunAsync("get", "configmap", "demo-config", "-o", "jsonpath={.data.greeting}"));
        Assert.Matches(@"demo\s+1", await kubectl.RunAsync("get", "gd"));
        Assert.Equal("yes", (await kubectl.TryAsync("auth", "can-i", "list", "configmaps", $"--as=system:serviceaccount:{ns}:demo-reader")).Output.Trim());
        var release = await kubectl.RunAsync("get", "secrets", "-l", "owner=helm,name=demo", "-o", "name");
        Assert.Equal("secret/sh.helm.release.v1.demo.v1", release.Trim());

        var upgrade = await helm.RunAsync("upgrade", "demo", Chart, "--set", "greeting=bye", "--set", "size=2", "--wait", "--timeout", "60s");
        Assert.Contains("REVISION: 2", upgrade, StringComparison.Ordinal);
        Assert.Equal("bye", await kubectl.RunAsync("get", "configmap", "demo-config", "-o", "jsonpath={.data.greeting}"));
        var gadget = JsonNode.Parse(await kubectl.RunAsync("get", "gadget", "demo", "-o", "json"))!;
        Assert.Equal(2, (int)gadget["spec"]!["size"]!);
        Assert.Equal(2, (int)gadget["metadata"]!["generation"]!);
        Assert.Matches(@"demo\s+\S+\s+2\s+.*\s+deployed\s+demo-0\.1\.0", await helm.RunAsync("list", "--deployed"));

        Assert.Contains("release \"demo\" uninstalled", await helm.RunAsync("uninstall", "demo", "--wait"), StringComparison.Ordinal);
        Assert.Equal("", (await kubectl.RunAsync("get", "configmaps,services,gadgets,roles,rolebindings", "-l", "app.kubernetes.io/instance=demo", "-o", "name")).Trim());
        Assert.Contains("NotFound", (await kubectl.TryAsync("get", "service", "demo")).Error, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await kubectl.TryAsync("get", "gadget", "demo")).Error, StringComparison.Ordinal);
        // helm leaves CRDs installed from crds/ in place, as on a cluster.
        Assert.Contains("gadgets.demo.example.com", await kubectl.RunAsync("get", "crd", "-o", "name"), StringComparison.Ordinal);
    });
}
