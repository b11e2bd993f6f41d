using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The real kubectl on built-in kinds: what a user types, and what a cluster would answer.</summary>
public sealed class KubectlBuiltInKindsTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    private const string Manifests = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels: {app: web}
        data:
          mode: fast
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
        """;

    [Fact]
    public Task Apply_ThenApplyAgain_CreatesThenReportsUnchanged() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        var first = await kubectl.ApplyAsync(Manifests);
        Assert.Contains("configmap/settings created", first, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web created", first, StringComparison.Ordinal);
        var second = await kubectl.ApplyAsync(Manifests);
        Assert.Contains("configmap/settings unchanged", second, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web unchanged", second, StringComparison.Ordinal);

        var deleted = (await kubectl.TryWithInputAsync(Manifests, "delete", "-f", "-")).EnsureSuccess().Output;
        Assert.Contains("configmap \"settings\" deleted", deleted, StringComparison.Ordinal);
        Assert.Contains("deployment.apps \"web\" deleted", deleted, StringComparison.Ordinal);
        Assert.Contains("No resources found", (await kubectl.TryAsync("get", "configmaps,deployments", "-l", "app=web")).Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task Logs_OfAPodNoKubeletRuns_SayTheContainerIsWaiting() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.RunAsync("run", "sleeper", "--image=busybox:1.36", "--", "sleep", "3600");
        var logs = await kubectl.TryAsync("logs", "sleeper");
        Assert.Contains("Error from server (BadRequest): container \"sleeper\" in pod \"sleeper\" is waiting to start: ContainerCreating", logs.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task GetWatch_PrintsEachChangeAsATableRow() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var kubectl = cluster.Kubectl(ns);
        await kubectl.RunAsync("create", "configmap", "first", "--from-literal=a=1");
        // kubectl get -w streams Table rows over a watch until the server ends it.
        var watching = kubectl.TryAsync("get", "configmaps", "--watch", "--output-watch-events", "--request-timeout=60s");
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
        {
            while (cluster.Server.Store.OpenWatches("configmaps", ns) == 0)
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
        }

        await kubectl.RunAsync("create", "configmap", "second", "--from-literal=b=2");
        await kubectl.RunAsync("delete", "configmap", "first");
        Assert.True(cluster.Server.DropWatches(Storage.WatchDropMode.Close) >= 1);
        var lines = (await watching).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^EVENT\s+NAME\s+DATA\s+AGE$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ADDED\s+first\s+1\s+\d+s$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ADDED\s+second\s+1\s+\d+s$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^DELETED\s+first\s+1\s+\d+s$"));
    });

    [Fact]
    public Task Get_Deployment_ShowsTheDefaultsARealServerFillsIn() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Manifests);
        var deployment = JsonNode.Parse(await kubectl.RunAsync("get", "deployment", "web", "-o", "json"))!;
        Assert.Equal(1, (int)deployment["metadata"]!["generation"]!);
        Assert.Equal("25%", (string)deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!);
        Assert.Equal(10, (int)deployment["spec"]!["revisionHistoryLimit"]!);
        Assert.Equal(600, (int)deployment["spec"]!["progressDeadlineSeconds"]!);
        var podSpec = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal("Always", (string)podSpec["restartPolicy"]!);
        Assert.Equal("ClusterFirst", (string)podSpec["dnsPolicy"]!);
        Assert.Equal("default-scheduler", (string)podSpec["schedulerName"]!);
        Assert.Equal(30, (int)podSpec["terminationGracePeriodSeconds"]!);
        Assert.NotNull(podSpec["securityContext"]);
        var container = podSpec["containers"]![0]!;
        Assert.Equal("IfNotPresent", (string)container["imagePullPolicy"]!);
        Assert.Equal("/dev/termination-log", (string)container["terminationMessagePath"]!);
        Assert.Equal("File", (string)container["terminationMessagePolicy"]!);
        Assert.Equal("TCP", (string)container["ports"]![0]!["protocol"]!);
    });

    [Fact]
    public Task Get_Pods_PrintsTheServersTableColumns() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.RunAsync("run", "sleeper", "--image=busybox:1.36", "--", "sleep", "3600");
        var table = await kubectl.RunAsync("get", "pods");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$", lines[0]);
        Assert.Matches(@"^sleeper\s+0/1\s+Pending\s+0\s+\d+s$", lines[1]);
        var wide = await kubectl.RunAsync("get", "pods", "-o", "wide");
        Assert.Matches(@"IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES", wide);
    });

    [Fact]
    public Task Describe_Pod_ShowsWhatAdmissionAdded() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.RunAsync("run", "sleeper", "--image=busybox:1.36", "--", "sleep", "3600");
        var description = await kubectl.RunAsync("describe", "pod", "sleeper");
        Assert.Matches(@"Service Account:\s+default", description);
        Assert.Matches(@"/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-\w{5} \(ro\)", description);
        Assert.Matches(@"node.kubernetes.io/not-ready:NoExecute op=Exists for 300s", description);
        Assert.Matches(@"QoS Class:\s+BestEffort", description);
        Assert.Matches(@"Args:\s+sleep\s+3600", description);
    });

    [Fact]
    public Task LabelAnnotatePatch_ChangeTheStoredObject() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Manifests);
        Assert.Contains("configmap/settings labeled", await kubectl.RunAsync("label", "configmap", "settings", "tier=backend"), StringComparison.Ordinal);
        Assert.Contains("annotated", await kubectl.RunAsync("annotate", "configmap", "settings", "owner=team-a"), StringComparison.Ordinal);
        await kubectl.RunAsync("patch", "configmap", "settings", "--type=merge", "-p", """{"data":{"size":"3"}}""");
        await kubectl.RunAsync("patch", "configmap", "settings", "--type=json", "-p", """[{"op":"replace","path":"/data/mode","value":"slow"}]""");
        var settings = JsonNode.Parse(await kubectl.RunAsync("get", "configmap", "settings", "-o", "json"))!;
        Assert.Equal("backend", (string)settings["metadata"]!["labels"]!["tier"]!);
        Assert.Equal("team-a", (string)settings["metadata"]!["annotations"]!["owner"]!);
        Assert.Equal("3", (string)settings["data"]!["size"]!);
        Assert.Equal("slow", (string)settings["data"]!["mode"]!);
        var selected = await kubectl.RunAsync("get", "configmaps", "-l", "tier=backend,app in (web)", "-o", "name");
        Assert.Equal("configmap/settings", selected.Trim());
    });

    [Fact]
    public Task StrategicMergePatch_MergesContainersByName() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Manifests);
        await kubectl.RunAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}""");
        var deployment = JsonNode.Parse(await kubectl.RunAsync("get", "deployment", "web", "-o", "json"))!;
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx:1.28", (string)container["image"]!);
        Assert.Equal(80, (int)container["ports"]![0]!["containerPort"]!);
        Assert.Equal(2, (int)deployment["metadata"]!["generation"]!);
    });

    [Fact]
    public Task Get_MissingObject_PrintsNotFound() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        var result = await kubectl.TryAsync("get", "configmap", "nothing-here");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"nothing-here\" not found", result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task Replace_WithStaleResourceVersion_IsRefusedWithConflict() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Manifests);
        var stale = await kubectl.RunAsync("get", "configmap", "settings", "-o", "json");
        await kubectl.RunAsync("patch", "configmap", "settings", "--type=merge", "-p", """{"data":{"mode":"changed"}}""");
        var result = await kubectl.TryWithInputAsync(stale, "replace", "-f", "-");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(
            "Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest version and try again",
            result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task Apply_WithAnUnknownField_IsRefusedByStrictValidation() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        var result = await kubectl.TryWithInputAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: typo
            date:
              mode: fast
            """, "apply", "-f", "-");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"date\"", result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task CreateCommands_SendingProtobuf_StoreWhatTheyDescribe() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.RunAsync("create", "deployment", "api", "--image=nginx:1.27", "--replicas=3", "--port=8080");
        await kubectl.RunAsync("create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi");
        await kubectl.RunAsync("create", "secret", "generic", "creds", "--from-literal=password=s3cret");
        await kubectl.RunAsync("create", "service", "clusterip", "api", "--tcp=80:8080");
        var deployment = JsonNode.Parse(await kubectl.RunAsync("get", "deployment", "api", "-o", "json"))!;
        Assert.Equal(3, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal(8080, (int)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!);
        var job = JsonNode.Parse(await kubectl.RunAsync("get", "job", "once", "-o", "json"))!;
        Assert.Equal("Never", (string)job["spec"]!["template"]!["spec"]!["restartPolicy"]!);
        Assert.Equal("echo", (string)job["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]![0]!);
        Assert.Equal(6, (int)job["spec"]!["backoffLimit"]!);
        Assert.NotNull(job["spec"]!["selector"]!["matchLabels"]!["batch.kubernetes.io/controller-uid"]);
        var secret = JsonNode.Parse(await kubectl.RunAsync("get", "secret", "creds", "-o", "json"))!;
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["password"]!)));
        Assert.Equal("Opaque", (string)secret["type"]!);
        var service = await kubectl.RunAsync("get", "service", "api");
        Assert.Matches(@"api\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80/TCP", service);
    });

    [Fact]
    public Task DryRunServer_ValidatesWithoutStoring() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        var dry = await kubectl.TryWithInputAsync(Manifests, "apply", "--dry-run=server", "-f", "-");
        Assert.Contains("configmap/settings created (server dry run)", dry.EnsureSuccess().Output, StringComparison.Ordinal);
        var result = await kubectl.TryAsync("get", "configmap", "settings");
        Assert.Contains("NotFound", result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task DeleteNamespace_DeletesItsContentsThenTheNamespace() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var kubectl = cluster.Kubectl(ns);
        await kubectl.ApplyAsync(Manifests);
        Assert.Contains($"namespace \"{ns}\" deleted", await kubectl.RunAsync("delete", "namespace", ns, "--timeout=30s"), StringComparison.Ordinal);
        var gone = await kubectl.TryAsync("get", "namespace", ns);
        Assert.Contains($"namespaces \"{ns}\" not found", gone.Error, StringComparison.Ordinal);
        Assert.Empty(cluster.Server.Store.List("configmaps", ns).Items);
        Assert.Empty(cluster.Server.Store.List("deployments.apps", ns).Items);
    });

    [Fact]
    public Task NewNamespace_HasTheDefaultServiceAccountAndRootCa() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace();
        var kubectl = cluster.Kubectl(ns);
        Assert.Equal("serviceaccount/default", (await kubectl.RunAsync("get", "serviceaccounts", "-o", "name")).Trim());
        var ca = await kubectl.RunAsync("get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}");
        Assert.Equal(cluster.Server.CaPem.Trim(), ca.Trim());
    });

    [Fact]
    public Task ApiResources_ListsTheBuiltInKindsWithShortNames() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(null);
        var resources = await kubectl.RunAsync("api-resources");
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", resources);
        Assert.Matches(@"customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition", resources);
        Assert.Matches(@"leases\s+coordination.k8s.io/v1\s+true\s+Lease", resources);
        var version = await kubectl.RunAsync("version");
        Assert.Contains("Server Version: v1.32.0", version, StringComparison.Ordinal);
    });
}
