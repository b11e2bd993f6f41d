using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>
/// The chart against the local API server through the real kubectl and helm: every documented variant admitted by the
/// server with strict field validation (the built-in kinds' schemas, the CRDs'), and an install whose RBAC lets the
/// operator's ServiceAccount make exactly the operator's calls.
/// </summary>
public sealed class ChartClusterTests(ValidationClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ValidationClusterFixture>
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";

    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public Task Variant_IsAdmittedByTheApiServer_WithStrictFieldValidation(string variant) => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("chart");
        var manifests = await ChartRenderer.RenderVariantInAsync(ns, variant);
        foreach (var other in manifests.Objects.Select(Manifests.Namespace).OfType<string>().Distinct().Where(n => n != ns))
        {
            await cluster.EnsureNamespaceAsync(other);
        }

        var result = await cluster.DryRunAsync(null, manifests.Yaml);
        Assert.True(result.Succeeded, result.ToString());
        var admitted = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(manifests.Objects.Count, admitted.Length);
        Assert.All(admitted, line => Assert.EndsWith("(server dry run)", line, StringComparison.Ordinal));
    });

    [Fact]
    public Task StrictValidation_OfARenderedObjectWithAMisspelledField_RefusesIt() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("chart");
        var deployment = (await ChartRenderer.RenderVariantInAsync(ns, "default")).Single("Deployment", Fullname);
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["readOnlyRootFileSystem"] = true;
        var result = await cluster.DryRunAsync(ns, deployment.ToJsonString());
        Assert.False(result.Succeeded);
        Assert.Contains("unknown field \"spec.template.spec.containers[0].readOnlyRootFileSystem\"", result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task Install_GrantsTheOperatorExactlyItsCalls_AndUpgradeKeepsTheGeneratedPasswords() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("chart");
        var other = cluster.CreateNamespace("other");
        var helm = cluster.Helm(ns);
        var install = await helm.RunAsync("install", ChartRenderer.Release, Repository.Chart, "--set", $"watchNamespaces={{{other}}}");
        Assert.Contains("STATUS: deployed", install, StringComparison.Ordinal);
        Assert.Contains($"It reconciles ZkRsyncSessions in: {ns}, {other}", install, StringComparison.Ordinal);

        var admin = cluster.Kubectl(ns);
        var operatorAccount = $"--as=system:serviceaccount:{ns}:{Fullname}";
        foreach (var watched in new[] { ns, other })
        {
            foreach (var (group, resource, verb) in OperatorCalls.SessionNamespace)
            {
                Assert.Equal("yes", await CanIAsync(admin, operatorAccount, watched, verb, group, resource));
            }
        }

        var unwatched = cluster.CreateNamespace("unwatched");
        foreach (var (group, resource, verb) in OperatorCalls.SessionNamespace)
        {
            Assert.Equal("no", await CanIAsync(admin, operatorAccount, unwatched, verb, group, resource));
        }

        // Nothing beyond: a sample of what an operator might be tempted to do.
        foreach (var (group, resource, verb) in new[]
                 {
                     ("", "secrets", "list"), ("", "secrets", "delete"), ("", "secrets", "update"), ("", "pods", "create"), ("", "pods", "delete"),
                     ("batch", "jobs", "update"), ("zksync.io", "zkrsyncsessions", "delete"), ("zksync.io", "zkrsyncsessions", "update"),
                     ("", "persistentvolumeclaims", "list"), ("", "configmaps", "get"), ("networking.k8s.io", "networkpolicies", "create"),
                     ("coordination.k8s.io", "leases", "list"),
                 })
        {
            Assert.Equal("no", await CanIAsync(admin, operatorAccount, ns, verb, group, resource));
        }

        foreach (var (group, resource, verb) in OperatorCalls.LeaseByName)
        {
            Assert.Equal("yes", await CanIAsync(admin, operatorAccount, ns, verb, group, resource + "/" + Fullname));
            Assert.Equal("no", await CanIAsync(admin, operatorAccount, ns, verb, group, resource + "/another-lease"));
            Assert.Equal("no", await CanIAsync(admin, operatorAccount, other, verb, group, resource + "/" + Fullname));
        }

        Assert.Equal("yes", await CanIAsync(admin, operatorAccount, ns, "create", "coordination.k8s.io", "leases"));
        foreach (var (verb, resource) in new[] { ("list", "pods"), ("get", "secrets"), ("get", "zkrsyncsessions.zksync.io") })
        {
            Assert.Equal("no", (await admin.TryAsync("auth", "can-i", verb, resource, $"--as=system:serviceaccount:{other}:{Fullname}-worker")).Output.Trim());
        }

        var passwords = await admin.RunAsync("get", "secret", Fullname + "-zookeeper-auth", "-o", "jsonpath={.data}");
        var upgrade = await helm.RunAsync("upgrade", ChartRenderer.Release, Repository.Chart, "--reuse-values", "--set", "operator.logLevel=Debug");
        Assert.Contains("REVISION: 2", upgrade, StringComparison.Ordinal);
        Assert.Equal(passwords, await admin.RunAsync("get", "secret", Fullname + "-zookeeper-auth", "-o", "jsonpath={.data}"));
        var deployment = JsonNode.Parse(await admin.RunAsync("get", "deployment", Fullname, "-o", "json"))!.AsObject();
        Assert.Equal("Debug", Manifests.Environment(Manifests.Container(deployment, "operator"))["Operator__LogLevel"]);

        Assert.Contains("uninstalled", await helm.RunAsync("uninstall", ChartRenderer.Release, "--wait"), StringComparison.Ordinal);
        Assert.Equal("", (await admin.RunAsync("get", "deployments,statefulsets,roles,rolebindings,secrets,serviceaccounts", "-l", $"app.kubernetes.io/instance={ChartRenderer.Release}", "-o", "name")).Trim());
        // Helm leaves the CRD (and so every session) in place.
        Assert.Contains("zkrsyncsessions.zksync.io", await admin.RunAsync("get", "crd", "-o", "name"), StringComparison.Ordinal);
    });

    private static async Task<string> CanIAsync(LocalCluster.Tests.Support.Kubectl kubectl, string account, string ns, string verb, string group, string resource)
    {
        var slash = resource.IndexOf('/', StringComparison.Ordinal);
        var (plural, rest) = slash < 0 ? (resource, "") : (resource[..slash], resource[slash..]);
        string[] subresource = [];
        if (rest.Length > 0 && plural.StartsWith("zkrsyncsessions", StringComparison.Ordinal))
        {
            subresource = ["--subresource=" + rest[1..]];
            rest = "";
        }

        var target = (group.Length == 0 ? plural : $"{plural}.{group}") + rest;
        var result = await kubectl.TryAsync(["auth", "can-i", verb, target, account, "--namespace", ns, .. subresource]);
        return result.Output.Trim();
    }
}
