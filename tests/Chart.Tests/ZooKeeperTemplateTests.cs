using System.Text;
using System.Text.Json.Nodes;
using ZkSync.Chart.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>The bundled ZooKeeper as rendered, and the operator's default ensemble with it or with an existing one.</summary>
public sealed class ZooKeeperTemplateTests
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";
    private const string ZooKeeper = Fullname + "-zookeeper";

    [Theory]
    [InlineData("default", 3)]
    [InlineData("high-availability-values.yaml", 5)]
    [InlineData("minimal-values.yaml", 1)]
    public async Task BundledEnsemble_IsTheOperatorsDefault_EveryMemberByItsStableName(string variant, int members)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        var statefulSet = manifests.Single("StatefulSet", ZooKeeper);
        var headless = manifests.Single("Service", (string)statefulSet["spec"]!["serviceName"]!);
        Assert.Equal("None", (string?)headless["spec"]!["clusterIP"]);
        Assert.True((bool)headless["spec"]!["publishNotReadyAddresses"]!);
        Assert.Equal((long)members, (long)statefulSet["spec"]!["replicas"]!);
        Assert.Equal("Parallel", (string?)statefulSet["spec"]!["podManagementPolicy"]);

        var hosts = Enumerable.Range(0, members).Select(i => $"{ZooKeeper}-{i}.{Manifests.Name(headless)}.{ChartRenderer.Namespace}.svc.cluster.local").ToList();
        var operatorEnvironment = Manifests.Environment(Manifests.Container(manifests.Single("Deployment", Fullname), "operator"));
        Assert.Equal(string.Join(',', hosts.Select(h => h + ":2181")), operatorEnvironment["Operator__ZooKeeper__Servers"]);

        var environment = Manifests.Environment(Manifests.Container(statefulSet, "zookeeper"));
        Assert.Equal(string.Join(' ', hosts.Select((h, i) => $"server.{i + 1}={h}:2888:3888")), environment["ZOO_SERVERS"]);
        Assert.Equal(members == 1 ? "true" : "false", environment["ZOO_STANDALONE_ENABLED"]);

        // Members and the client Service select the StatefulSet's pods; the PodDisruptionBudget too.
        var podLabels = statefulSet["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        foreach (var selector in new[] { headless["spec"]!["selector"]!, manifests.Single("Service", ZooKeeper)["spec"]!["selector"]!,
                     manifests.Single("PodDisruptionBudget", ZooKeeper)["spec"]!["selector"]!["matchLabels"]! })
        {
            Assert.All(selector.AsObject(), s => Assert.Equal((string?)s.Value, (string?)podLabels[s.Key]));
        }
    }

    [Theory]
    [InlineData("external-zookeeper-values.yaml", "zk-0.zk.storage.svc:2181,zk-1.zk.storage.svc:2181,zk-2.zk.storage.svc:2181")]
    [InlineData("existing-secret-values.yaml", "10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181")]
    public async Task ExistingEnsemble_IsTheOperatorsDefault_AndNothingOfZooKeeperIsRendered(string variant, string servers)
    {
        var manifests = await ChartRenderer.RenderVariantAsync(variant);
        Assert.Empty(manifests.OfKind("StatefulSet"));
        Assert.DoesNotContain(manifests.Objects, o => Manifests.Name(o).StartsWith(ZooKeeper, StringComparison.Ordinal) && Manifests.Kind(o) != "Secret");
        var environment = Manifests.Environment(Manifests.Container(manifests.Single("Deployment", Fullname), "operator"));
        Assert.Equal(servers, environment["Operator__ZooKeeper__Servers"]);
    }

    [Fact]
    public async Task ExistingSecret_IsMountedForTheOperator_AndNoSecretIsRendered()
    {
        var manifests = await ChartRenderer.RenderVariantAsync("existing-secret-values.yaml");
        Assert.Empty(manifests.OfKind("Secret"));
        var deployment = manifests.Single("Deployment", Fullname);
        var volume = Manifests.PodSpec(deployment)["volumes"]!.AsArray().Single(v => v!["secret"] is not null)!;
        Assert.Equal("zookeeper-operator-credentials", (string?)volume["secret"]!["secretName"]);
        Assert.Equal("migrations", Manifests.Environment(Manifests.Container(deployment, "operator"))["Operator__ZooKeeper__AdminUser"]);
    }

    [Fact]
    public async Task ZooKeeperPod_RunsTheImagesEntrypointAndCommand_AsItsNonRootUserWithAReadOnlyRoot()
    {
        var manifests = await ChartRenderer.RenderAsync();
        var statefulSet = manifests.Single("StatefulSet", ZooKeeper);
        var pod = Manifests.PodSpec(statefulSet);
        var container = Manifests.Container(statefulSet, "zookeeper");

        Assert.Equal("zookeeper:3.8", (string?)container["image"]);
        var command = container["command"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(["bash", "-c"], command[..2]);
        Assert.EndsWith("exec /docker-entrypoint.sh zkServer.sh start-foreground", command[2], StringComparison.Ordinal);
        Assert.Null(container["args"]);

        Assert.False((bool)pod["automountServiceAccountToken"]!);
        Assert.Equal(1000L, (long)pod["securityContext"]!["runAsUser"]!);
        Assert.Equal(1000L, (long)pod["securityContext"]!["fsGroup"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["securityContext"]!["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));

        // Everything the image writes is a volume: the generated zoo.cfg, data and transaction logs, logs, temporary files.
        var mounts = container["volumeMounts"]!.AsArray().Select(m => (string)m!["mountPath"]!).ToHashSet();
        var environment = Manifests.Environment(container);
        Assert.Superset(new HashSet<string> { "/conf", "/data", "/logs", "/tmp" }, mounts);
        Assert.StartsWith("/data/", environment["ZOO_DATA_LOG_DIR"], StringComparison.Ordinal);
        var claim = Assert.Single(statefulSet["spec"]!["volumeClaimTemplates"]!.AsArray())!;
        Assert.Equal("data", (string?)claim["metadata"]!["name"]);

        // The readiness probe asks srvr, the liveness probe connects: both on the address clients use.
        Assert.Contains("srvr", environment["ZOO_4LW_COMMANDS_WHITELIST"].Split(','));
        Assert.Contains("srvr", container["readinessProbe"]!["exec"]!["command"]![2]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("clientPort=2181 clientPortAddress=$(POD_IP)", environment["ZOO_CFG_EXTRA"]);
        Assert.Equal("false", environment["ZOO_ADMINSERVER_ENABLED"]);
        Assert.Equal("-Dzookeeper.DigestAuthenticationProvider.superDigest=$(ZK_SUPER_DIGEST)", environment["JVMFLAGS"]);
    }

    [Fact]
    public async Task SuperDigest_IsTheDigestZooKeeperItselfComputesForThePassword()
    {
        for (var render = 0; render < 3; render++)
        {
            var secret = (await ChartRenderer.RenderAsync()).Single("Secret", ZooKeeper + "-auth");
            var password = Decode(secret, "super-password");
            Assert.Matches("^[A-Za-z0-9]{32}$", password);
            var digest = await CommandRunner.RunAsync(
                "java", ["-cp", "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar", "org.apache.zookeeper.server.auth.DigestAuthenticationProvider", "super:" + password],
                new Dictionary<string, string>(), null, TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(digest.Succeeded, digest.ToString());
            Assert.Equal($"super:{password}->{Decode(secret, "super-digest")}", digest.Output.Trim());
        }
    }

    [Fact]
    public async Task ExistingEnsemble_GetsTheAdminPasswordFromTheValues_AndNoSuperuser()
    {
        var secret = (await ChartRenderer.RenderVariantAsync("external-zookeeper-values.yaml")).Single("Secret", ZooKeeper + "-auth");
        Assert.Equal("change-me", Decode(secret, "admin-password"));
        Assert.Equal(["admin-password"], secret["data"]!.AsObject().Select(p => p.Key));
    }

    private static string Decode(JsonObject secret, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![key]!));
}
