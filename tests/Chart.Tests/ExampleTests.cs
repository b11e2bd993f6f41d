using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>
/// examples/: every manifest admitted by the local API server with strict validation against the CRD (and the built-in
/// kinds' schemas), inline volumes valid as pod volumes, the migration's final-pass patch valid on its session, and the
/// GitOps files pointing at what exists here.
/// </summary>
public sealed class ExampleTests(ValidationClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ValidationClusterFixture>
{
    /// <summary>Kubernetes manifests a user applies with kubectl (the GitOps tools' own objects and patches aside).</summary>
    public static IReadOnlyList<string> ManifestPaths { get; } = [.. Directory.GetFiles(Repository.Examples, "*.yaml", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Repository.Examples, f))
        .Where(f => !f.StartsWith("gitops", StringComparison.Ordinal) && !f.EndsWith(".patch.yaml", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)];

    public static TheoryData<string> ManifestFiles => [.. ManifestPaths];

    [Fact]
    public void Examples_IncludeEverySessionTheReadmeNames()
    {
        Assert.Superset(
            new HashSet<string> { "basic.yaml", "existing-zookeeper.yaml", "nfs-source.yaml", Path.Combine("storage-class-migration", "02-session.yaml") },
            ManifestPaths.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public Task Example_IsAdmittedByTheApiServer_WithStrictValidationAgainstTheCrd(string file) => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("example");
        var manifests = Manifests.Load(Path.Combine(Repository.Examples, file));
        Assert.NotEmpty(manifests.Objects);
        var result = await cluster.DryRunAsync(ns, manifests.Yaml);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(manifests.Objects.Count, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await AssertInlineVolumesArePodVolumesAsync(ns, manifests);
    });

    [Fact]
    public Task Example_WithAMisspelledField_IsRefusedByTheCrdSchema() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("example");
        var session = Manifests.Load(Path.Combine(Repository.Examples, "basic.yaml")).Objects.Single();
        session["spec"]!["rsync"] = new JsonObject { ["deletes"] = true };
        var result = await cluster.DryRunAsync(ns, session.ToJsonString());
        Assert.False(result.Succeeded);
        Assert.Contains("unknown field \"spec.rsync.deletes\"", result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task StorageClassMigration_FinalPassPatch_TurnsOnDeleteAndChecksumAndStartsThePass() => cluster.RunAsync(output, async () =>
    {
        var ns = cluster.CreateNamespace("example");
        var kubectl = cluster.Kubectl(ns);
        var directory = Path.Combine(Repository.Examples, "storage-class-migration");
        await kubectl.RunAsync("apply", "-f", Path.Combine(directory, "01-new-claim.yaml"), "-f", Path.Combine(directory, "02-session.yaml"));
        var before = JsonNode.Parse(await kubectl.RunAsync("get", "zkrs", "db-move", "-o", "json"))!;
        Assert.Equal("first", (string?)before["spec"]!["trigger"]!["manual"]);

        await kubectl.RunAsync("patch", "zkrs", "db-move", "--type", "merge", "--patch-file", Path.Combine(directory, "final-pass.patch.yaml"));
        var after = JsonNode.Parse(await kubectl.RunAsync("get", "zkrs", "db-move", "-o", "json"))!;
        Assert.True((bool)after["spec"]!["rsync"]!["delete"]!);
        Assert.True((bool)after["spec"]!["rsync"]!["checksum"]!);
        Assert.True((bool)after["spec"]!["rsync"]!["hardLinks"]!);
        Assert.Equal("final", (string?)after["spec"]!["trigger"]!["manual"]);
        Assert.Equal((long)before["metadata"]!["generation"]! + 1, (long)after["metadata"]!["generation"]!);
    });

    [Fact]
    public Task GitOpsSessions_BuiltWithKustomize_AreAdmittedByTheApiServer() => cluster.RunAsync(output, async () =>
    {
        var built = await cluster.Kubectl(null).RunAsync("kustomize", Path.Combine(Repository.Examples, "gitops", "sessions"));
        var manifests = Manifests.Parse(built);
        var session = Assert.Single(manifests.OfKind("ZkRsyncSession"));
        Assert.Equal("apps", Manifests.Namespace(session));
        await cluster.EnsureNamespaceAsync("apps");
        var result = await cluster.DryRunAsync(null, built);
        Assert.True(result.Succeeded, result.ToString());
    });

    [Fact]
    public async Task GitOpsFiles_PointAtThisRepositorysChartAndSessions_WithValuesTheChartAccepts()
    {
        var gitops = Path.Combine(Repository.Examples, "gitops");
        var sessionsPath = "examples/gitops/sessions";

        var argoOperator = Manifests.Load(Path.Combine(gitops, "argocd", "operator-application.yaml")).Single("Application", "zksync-operator");
        Assert.Equal("charts/zksync-operator", (string?)argoOperator["spec"]!["source"]!["path"]);
        await AssertChartAcceptsAsync(argoOperator["spec"]!["source"]!["helm"]!["valuesObject"]!.AsObject());
        var argoSessions = Manifests.Load(Path.Combine(gitops, "argocd", "sessions-application.yaml")).Single("Application", "migrations");
        Assert.Equal(sessionsPath, (string?)argoSessions["spec"]!["source"]!["path"]);

        var flux = Manifests.Load(Path.Combine(gitops, "flux", "kustomization.yaml")).Single("Kustomization", "migrations");
        Assert.Equal("./" + sessionsPath, (string?)flux["spec"]!["path"]);
        Assert.True((bool)flux["spec"]!["wait"]!);
        var release = Manifests.Load(Path.Combine(gitops, "flux", "helmrelease.yaml")).Single("HelmRelease", "zksync-operator");
        Assert.Equal("./charts/zksync-operator", (string?)release["spec"]!["chart"]!["spec"]!["chart"]);
        await AssertChartAcceptsAsync(release["spec"]!["values"]!.AsObject());
        var source = Manifests.Load(Path.Combine(gitops, "flux", "gitrepository.yaml")).Single("GitRepository", "zksync-operator");
        Assert.Equal((string?)source["metadata"]!["name"], (string?)flux["spec"]!["sourceRef"]!["name"]);
        Assert.Equal((string?)source["metadata"]!["name"], (string?)release["spec"]!["chart"]!["spec"]!["sourceRef"]!["name"]);

        Assert.True(Directory.Exists(Path.Combine(Repository.Root, sessionsPath)));
        Assert.True(File.Exists(Path.Combine(Repository.Root, "charts", "zksync-operator", "Chart.yaml")));
    }

    /// <summary>A session's inline volume (e.g. nfs) is what its worker pods get: the server must accept it as a pod volume.</summary>
    private async Task AssertInlineVolumesArePodVolumesAsync(string ns, Manifests manifests)
    {
        foreach (var session in manifests.OfKind("ZkRsyncSession"))
        {
            foreach (var side in new[] { "source", "destination" })
            {
                if (session["spec"]![side]!["volume"]?.DeepClone() is not JsonObject volume)
                {
                    continue;
                }

                volume["name"] = "data";
                var pod = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Pod",
                    ["metadata"] = new JsonObject { ["name"] = "volume-check" },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "zkrsync",
                            ["image"] = "zksync-operator:test",
                            ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "data", ["mountPath"] = "/data" }),
                        }),
                        ["volumes"] = new JsonArray(volume),
                    },
                };
                var result = await cluster.DryRunAsync(ns, pod.ToJsonString());
                Assert.True(result.Succeeded, $"{Manifests.Name(session)} spec.{side}.volume: {result}");
            }
        }
    }

    private static async Task AssertChartAcceptsAsync(JsonObject values)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, values.ToJsonString());
            var result = await ChartRenderer.TemplateAsync("--values", file);
            Assert.True(result.Succeeded, result.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
