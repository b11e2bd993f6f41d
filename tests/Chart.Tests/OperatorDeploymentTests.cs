using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Serilog.Events;
using ZkSync.Chart.Tests.Support;
using ZkSync.Operator.Configuration;

namespace ZkSync.Chart.Tests;

/// <summary>The operator's Deployment as rendered: a hardened pod whose settings are ones the operator knows and accepts.</summary>
public sealed class OperatorDeploymentTests
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";

    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public async Task OperatorPod_InEveryVariant_IsNonRootReadOnlyAndWithoutCapabilities(string variant)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var deployment = manifests.Single("Deployment", Fullname);
        var pod = Manifests.PodSpec(deployment);
        var container = Manifests.Container(deployment, "operator");

        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.NotEqual(0L, (long)pod["securityContext"]!["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        var security = container["securityContext"]!;
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.Null(security["capabilities"]!["add"]);
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);

        // The image's ENTRYPOINT (tini) runs what args name.
        Assert.Null(container["command"]);
        Assert.Equal(["zksync-operator"], container["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.NotNull(container["resources"]!["requests"]!["memory"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Equal(Fullname, (string?)pod["serviceAccountName"]);
    }

    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public async Task OperatorSettings_InEveryVariant_BindToTheOperatorsOptionsAndPassItsValidation(string variant)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var deployment = manifests.Single("Deployment", Fullname);
        var container = Manifests.Container(deployment, "operator");
        var settings = Manifests.Environment(container)
            .Where(e => e.Key.StartsWith("Operator__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value, StringComparer.Ordinal);

        // The host reads the log level itself (OperatorHost), as a Serilog level.
        Assert.True(settings.Remove("Operator:LogLevel", out var level));
        Assert.True(Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out _), level);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        // The password comes from the mounted Secret at start: the file is the Secret's admin-password item.
        var file = options.ZooKeeper.AdminPasswordFile!;
        var mount = container["volumeMounts"]!.AsArray().Select(m => m!.AsObject()).Single(m => file.StartsWith((string)m["mountPath"]! + "/", StringComparison.Ordinal));
        var volume = Manifests.PodSpec(deployment)["volumes"]!.AsArray().Select(v => v!.AsObject()).Single(v => (string?)v["name"] == (string?)mount["name"]);
        Assert.Equal(Path.GetFileName(file), (string?)volume["secret"]!["items"]![0]!["path"]);
        Assert.Equal("admin-password", (string?)volume["secret"]!["items"]![0]!["key"]);
        var secretName = (string)volume["secret"]!["secretName"]!;
        if (!variant.Contains("existing-secret", StringComparison.Ordinal) && !variant.Contains("external-zookeeper", StringComparison.Ordinal))
        {
            Assert.NotNull(manifests.Single("Secret", secretName)["data"]!["admin-password"]);
        }

        options.ZooKeeper.AdminPassword = "read-from-the-file";
        Assert.Empty(options.Validate());
        Assert.True(options.LeaderElection.Enabled);
        Assert.Equal(Fullname, options.LeaderElection.LeaseName);
        Assert.False(string.IsNullOrEmpty(options.ZooKeeper.Servers));
        Assert.Equal(Manifests.Container(deployment, "operator")["image"]!.ToString(), options.Workers.Image);
        Assert.Equal((long)container["ports"]![0]!["containerPort"]!, (long)options.Http.Port);

        // The pod tells the operator who and where it is (Lease holder, Lease namespace, listening address).
        var downward = container["env"]!.AsArray().Select(e => e!.AsObject()).Where(e => e["valueFrom"]?["fieldRef"] is not null)
            .ToDictionary(e => (string)e["name"]!, e => (string)e["valueFrom"]!["fieldRef"]!["fieldPath"]!, StringComparer.Ordinal);
        Assert.Equal("metadata.name", downward["POD_NAME"]);
        Assert.Equal("metadata.namespace", downward["POD_NAMESPACE"]);
        Assert.Equal("status.podIP", downward["POD_IP"]);
    }

    [Theory]
    [InlineData("default", new[] { ChartRenderer.Namespace })]
    [InlineData("watch-namespaces-values.yaml", new[] { ChartRenderer.Namespace, "apps", "databases" })]
    [InlineData("cluster-wide-values.yaml", new string[0])]
    public async Task WatchedNamespaces_AreTheReleasesAndWatchNamespaces_OrAllWhenClusterWide(string variant, string[] expected)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var environment = Manifests.Environment(Manifests.Container(manifests.Single("Deployment", Fullname), "operator"));
        var watched = environment.Where(e => e.Key.StartsWith("Operator__WatchNamespaces__", StringComparison.Ordinal))
            .OrderBy(e => int.Parse(e.Key["Operator__WatchNamespaces__".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Select(e => e.Value);
        Assert.Equal(expected, watched);
    }

    [Fact]
    public async Task Image_IsRepositoryAndTag_OrTheDigestWhenGiven_ForTheOperatorAndItsWorkers()
    {
        var tagged = await ChartRenderer.RenderAsync("--set", "image.repository=registry.example/zs", "--set", "image.tag=1.2.3");
        var environment = Manifests.Environment(Manifests.Container(tagged.Single("Deployment", Fullname), "operator"));
        Assert.Equal("registry.example/zs:1.2.3", environment["Operator__Workers__Image"]);
        Assert.Equal("registry.example/zs:1.2.3", (string?)Manifests.Container(tagged.Single("Deployment", Fullname), "operator")["image"]);

        var appVersion = await ChartRenderer.RenderAsync();
        var chart = File.ReadAllText(Path.Combine(Repository.Chart, "Chart.yaml"));
        var version = System.Text.RegularExpressions.Regex.Match(chart, "appVersion: \"([^\"]+)\"").Groups[1].Value;
        Assert.Equal("zksync-operator:" + version, (string?)Manifests.Container(appVersion.Single("Deployment", Fullname), "operator")["image"]);

        var pinned = await ChartRenderer.RenderVariantAsync("minimal-values.yaml");
        var image = (string)Manifests.Container(pinned.Single("Deployment", Fullname), "operator")["image"]!;
        Assert.Matches("^registry.example/zksync-operator@sha256:[0-9a-f]{64}$", image);
        Assert.Equal(image, Manifests.Environment(Manifests.Container(pinned.Single("Deployment", Fullname), "operator"))["Operator__Workers__Image"]);
    }

    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public async Task OperatorObjects_InEveryVariant_CarryTheReleaseLabelsAndTheirNamespace(string variant)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        foreach (var obj in manifests.Objects)
        {
            var labels = obj["metadata"]!["labels"]!.AsObject();
            Assert.Equal(ChartRenderer.Release, (string?)labels["app.kubernetes.io/instance"]);
            Assert.Equal("Helm", (string?)labels["app.kubernetes.io/managed-by"]);
            var clusterScoped = Manifests.Kind(obj) is "ClusterRole" or "ClusterRoleBinding";
            Assert.Equal(clusterScoped, Manifests.Namespace(obj) is null);
        }

        var pdb = manifests.OfKind("PodDisruptionBudget").SingleOrDefault(p => Manifests.Name(p) == Fullname);
        if (pdb is not null)
        {
            var selector = pdb["spec"]!["selector"]!["matchLabels"]!.AsObject();
            var podLabels = manifests.Single("Deployment", Fullname)["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            Assert.All(selector, s => Assert.Equal((string?)s.Value, (string?)podLabels[s.Key]));
        }
    }

    [Fact]
    public async Task MetricsService_SelectsTheOperatorPods_AndTheServiceMonitorScrapesIt()
    {
        var manifests = await ChartRenderer.RenderVariantAsync("high-availability-values.yaml");
        var service = manifests.Single("Service", Fullname + "-metrics");
        var podLabels = manifests.Single("Deployment", Fullname)["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(service["spec"]!["selector"]!.AsObject(), s => Assert.Equal((string?)s.Value, (string?)podLabels[s.Key]));
        Assert.Equal("http", (string?)service["spec"]!["ports"]![0]!["targetPort"]);

        var monitor = manifests.Single("ServiceMonitor", Fullname);
        Assert.Equal((string?)service["spec"]!["ports"]![0]!["name"], (string?)monitor["spec"]!["endpoints"]![0]!["port"]);
        Assert.Equal("/metrics", (string?)monitor["spec"]!["endpoints"]![0]!["path"]);
        var serviceLabels = service["metadata"]!["labels"]!.AsObject();
        Assert.All(monitor["spec"]!["selector"]!["matchLabels"]!.AsObject(), s => Assert.Equal((string?)s.Value, (string?)serviceLabels[s.Key]));
        Assert.Equal("prometheus", (string?)monitor["metadata"]!["labels"]!["release"]);

        // Two replicas: preferably on different nodes.
        var affinity = Manifests.PodSpec(manifests.Single("Deployment", Fullname))["affinity"]!;
        Assert.Equal("kubernetes.io/hostname", (string?)affinity["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["podAffinityTerm"]!["topologyKey"]);
    }
}
