using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The real kubectl on a CRD and its custom resources.</summary>
public sealed class KubectlCustomResourceTests(LocalClusterFixture cluster, ITestOutputHelper output) : IClassFixture<LocalClusterFixture>
{
    /// <summary>A CRD per test (its own group), so tests that delete theirs do not race each other.</summary>
    private static string Crd(string group) => $$"""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.{{group}}
        spec:
          group: {{group}}
          names:
            kind: Widget
            plural: widgets
            singular: widget
            shortNames: [w{{group.Split('.')[0]}}]
            categories: [all]
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Size
              type: integer
              jsonPath: .spec.size
            - name: Mode
              type: string
              jsonPath: .spec.mode
            - name: Phase
              type: string
              jsonPath: .status.phase
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    x-kubernetes-validations:
                    - rule: "self.size % 2 == 1"
                      message: size must be odd
                    properties:
                      size: {type: integer, minimum: 1, maximum: 9}
                      mode:
                        type: string
                        enum: [fast, slow]
                        default: fast
                        maxLength: 8
                        x-kubernetes-validations:
                        - rule: "self == oldSelf"
                          message: mode is immutable
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      observedGeneration: {type: integer}
                      conditions:
                        type: array
                        maxItems: 8
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string, maxLength: 64}
                            status: {type: string, maxLength: 8}
                            reason: {type: string, maxLength: 64}
                            observedGeneration: {type: integer}
                            lastTransitionTime: {type: string, format: date-time}
        """;

    private static string Widget(string group, string name, int size, string? mode = null) => $"""
        apiVersion: {group}/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
          size: {size}
        {(mode is null ? "" : $"  mode: {mode}")}
        """;

    [Fact]
    public Task Crd_Applied_ServesItsShortNameWithPrinterColumns() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("columns.example.com"));
        var crd = JsonNode.Parse(await kubectl.RunAsync("get", "crd", "widgets.columns.example.com", "-o", "json"))!;
        var conditions = crd["status"]!["conditions"]!.AsArray();
        Assert.Contains(conditions, c => (string?)c!["type"] == "Established" && (string?)c["status"] == "True");
        Assert.Contains(conditions, c => (string?)c!["type"] == "NamesAccepted" && (string?)c["status"] == "True");

        await kubectl.ApplyAsync(Widget("columns.example.com", "w1", 3));
        var table = (await kubectl.RunAsync("get", "wcolumns")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+MODE\s+PHASE\s+AGE$", table[0]);
        Assert.Matches(@"^w1\s+3\s+fast\s+\d+s$", table[1]);
        Assert.Contains("widget.columns.example.com/w1", await kubectl.RunAsync("get", "all"), StringComparison.Ordinal);
    });

    [Fact]
    public Task InvalidCustomResource_IsRefusedWithTheSchemasMessage() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("schema.example.com"));
        var tooBig = await kubectl.TryWithInputAsync(Widget("schema.example.com", "big", 11), "apply", "-f", "-");
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("The Widget \"big\" is invalid: spec.size: Invalid value: 11: spec.size in body should be less than or equal to 9", tooBig.Error, StringComparison.Ordinal);

        var badEnum = await kubectl.TryWithInputAsync(Widget("schema.example.com", "odd", 3, "medium"), "apply", "-f", "-");
        Assert.Contains("spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"", badEnum.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task UnknownField_IsRefusedUnderKubectlsStrictValidation_AndPrunedOtherwise() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("prune.example.com"));
        var manifest = Widget("prune.example.com", "w", 3) + "  colour: blue\n";
        var strict = await kubectl.TryWithInputAsync(manifest, "apply", "-f", "-");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\"", strict.Error, StringComparison.Ordinal);

        var lax = await kubectl.TryWithInputAsync(manifest, "apply", "--validate=false", "-f", "-");
        lax.EnsureSuccess();
        Assert.Equal("{\"mode\":\"fast\",\"size\":3}", await kubectl.RunAsync("get", "widgets.prune.example.com", "w", "-o", "jsonpath={.spec}"));
    });

    [Fact]
    public Task CelRules_RefuseInvalidObjectsAndTransitions() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("cel.example.com"));
        var even = await kubectl.TryWithInputAsync(Widget("cel.example.com", "even", 4), "apply", "-f", "-");
        Assert.NotEqual(0, even.ExitCode);
        Assert.Contains("The Widget \"even\" is invalid: spec: Invalid value: \"object\": size must be odd", even.Error, StringComparison.Ordinal);

        await kubectl.ApplyAsync(Widget("cel.example.com", "w", 5, "fast"));
        var transition = await kubectl.TryAsync("patch", "widgets.cel.example.com", "w", "--type=merge", "-p", """{"spec":{"mode":"slow"}}""");
        Assert.NotEqual(0, transition.ExitCode);
        Assert.Contains("The Widget \"w\" is invalid: spec.mode: Invalid value: \"string\": mode is immutable", transition.Error, StringComparison.Ordinal);
        await kubectl.RunAsync("patch", "widgets.cel.example.com", "w", "--type=merge", "-p", """{"spec":{"size":7}}""");
    });

    [Fact]
    public Task Wait_ForCondition_HonoursObservedGeneration() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("wait.example.com"));
        await kubectl.ApplyAsync(Widget("wait.example.com", "w", 3));
        await kubectl.RunAsync("patch", "widgets.wait.example.com", "w", "--type=merge", "-p", """{"spec":{"size":5}}""");
        // Generation 2 now; a Ready condition observed at generation 1 is stale.
        await kubectl.RunAsync("patch", "widgets.wait.example.com", "w", "--subresource=status", "--type=merge", "-p",
            """{"status":{"conditions":[{"type":"Ready","status":"True","observedGeneration":1}]}}""");
        var stale = await kubectl.TryAsync("wait", "--for=condition=Ready", "widgets.wait.example.com/w", "--timeout=1s");
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("timed out", stale.Error, StringComparison.Ordinal);

        var waiting = kubectl.TryAsync("wait", "--for=condition=ready", "widgets.wait.example.com/w", "--timeout=30s");
        await kubectl.RunAsync("patch", "widgets.wait.example.com", "w", "--subresource=status", "--type=merge", "-p",
            """{"status":{"conditions":[{"type":"Ready","status":"True","observedGeneration":2}]}}""");
        Assert.Contains("widget.wait.example.com/w condition met", (await waiting).EnsureSuccess().Output, StringComparison.Ordinal);
    });

    [Fact]
    public Task StatusSubresource_MainEndpointIgnoresStatusChanges() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("status.example.com"));
        await kubectl.ApplyAsync(Widget("status.example.com", "w", 3));
        await kubectl.RunAsync("patch", "widgets.status.example.com", "w", "--type=merge", "-p", """{"status":{"phase":"Ignored"}}""");
        Assert.Equal("", await kubectl.RunAsync("get", "widgets.status.example.com", "w", "-o", "jsonpath={.status.phase}"));
        await kubectl.RunAsync("patch", "widgets.status.example.com", "w", "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Ready"},"spec":{"size":9}}""");
        var widget = JsonNode.Parse(await kubectl.RunAsync("get", "widgets.status.example.com", "w", "-o", "json"))!;
        Assert.Equal("Ready", (string)widget["status"]!["phase"]!);
        Assert.Equal(3, (int)widget["spec"]!["size"]!);
        Assert.Equal(1, (int)widget["metadata"]!["generation"]!);
    });

    [Fact]
    public Task StrategicMergePatch_OnACustomResource_IsUnsupportedMediaType() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("smp.example.com"));
        await kubectl.ApplyAsync(Widget("smp.example.com", "w", 3));
        var result = await kubectl.TryAsync("patch", "widgets.smp.example.com", "w", "--type=strategic", "-p", """{"spec":{"size":5}}""");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(
            "application/strategic-merge-patch+json is not supported by smp.example.com/v1, Kind=Widget: the body of the request was in an unknown format - " +
            "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            result.Error, StringComparison.Ordinal);
    });

    [Fact]
    public Task ServerSideApply_CreatesThenMerges() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("ssa.example.com"));
        Assert.Contains("serverside-applied", await kubectl.ApplyAsync(Widget("ssa.example.com", "w", 3), "--server-side"), StringComparison.Ordinal);
        await kubectl.ApplyAsync(Widget("ssa.example.com", "w", 5), "--server-side");
        Assert.Equal("5", await kubectl.RunAsync("get", "widgets.ssa.example.com", "w", "-o", "jsonpath={.spec.size}"));
    });

    [Fact]
    public Task DeleteCrd_DeletesItsResourcesAndStopsServingThem() => cluster.RunAsync(output, async () =>
    {
        var kubectl = cluster.Kubectl(cluster.CreateNamespace());
        await kubectl.ApplyAsync(Crd("gone.example.com"));
        await kubectl.ApplyAsync(Widget("gone.example.com", "w", 3));
        await kubectl.RunAsync("delete", "crd", "widgets.gone.example.com", "--timeout=30s");
        Assert.Empty(cluster.Server.Store.List("widgets.gone.example.com", null).Items);
        // Discovery follows a CRD's deletion asynchronously in Kubernetes too (its discovery controller), and a
        // loaded machine can time kubectl's discovery out: ask again until the answer comes, within a deadline.
        const string Unserved = "the server doesn't have a resource type \"widgets\"";
        var result = await Eventually.ValueAsync(
            () => cluster.Kubectl(null).TryAsync("get", "widgets.gone.example.com"), // each with an empty discovery cache
            r => r.Error.Contains(Unserved, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.Contains(Unserved, result.Error, StringComparison.Ordinal);
    });
}
