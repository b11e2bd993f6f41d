using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkSync.Chart.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>
/// The Argo CD health check for ZkRsyncSession (examples/gitops/argocd/argocd-cm.yaml), run as Argo CD runs it (a Lua 5.1
/// chunk with the object in the global <c>obj</c>, returning {status, message}) by Debian's lua5.1, on sessions in
/// every state the operator reports.
/// </summary>
public sealed class ArgoHealthCheckTests
{
    private const string HealthKey = "resource.customizations.health.zksync.io_ZkRsyncSession";

    [Fact]
    public void HealthCheck_IsKeyedByTheCrdsGroupAndKind()
    {
        var crd = Manifests.Load(Repository.Crd).Objects.Single();
        var key = $"resource.customizations.health.{crd["spec"]!["group"]}_{crd["spec"]!["names"]!["kind"]}";
        Assert.Equal(HealthKey, key);
        Assert.NotNull(ConfigMap()["data"]![HealthKey]);
    }

    [Theory]
    [InlineData("""{}""", "Progressing", "Waiting for the operator")]
    [InlineData("""{"observedGeneration": 1, "phase": "Succeeded", "conditions": [{"type": "Ready", "status": "True", "message": "old"}]}""",
        "Progressing", "Waiting for the operator to read the latest spec")]
    [InlineData("""{"observedGeneration": 2, "phase": "Pending", "conditions": [{"type": "Reconciling", "status": "True", "reason": "PassStarting", "message": "Starting pass 1"}]}""",
        "Progressing", "Starting pass 1")]
    [InlineData("""{"observedGeneration": 2, "phase": "Running", "pass": 2, "progressPercent": 42, "eta": "4m10s", "conditions": [{"type": "Ready", "status": "False"}, {"type": "Reconciling", "status": "True", "reason": "PassRunning"}]}""",
        "Progressing", "Pass 2: 42% done, about 4m10s left")]
    [InlineData("""{"observedGeneration": 2, "phase": "Running", "pass": 3, "progressPercent": 0, "conditions": [{"type": "Ready", "status": "True"}, {"type": "Reconciling", "status": "True"}]}""",
        "Progressing", "Pass 3: 0% done")]
    [InlineData("""{"observedGeneration": 2, "phase": "Succeeded", "message": "Synced 1204 paths", "conditions": [{"type": "Ready", "status": "True", "reason": "Completed", "message": "Pass 1 synced every path"}, {"type": "Complete", "status": "True"}, {"type": "Reconciling", "status": "False"}]}""",
        "Healthy", "Pass 1 synced every path")]
    [InlineData("""{"observedGeneration": 2, "phase": "Succeeded", "conditions": [{"type": "Ready", "status": "True", "reason": "WaitingForSchedule"}]}""",
        "Healthy", "The last pass succeeded")]
    [InlineData("""{"observedGeneration": 2, "phase": "Failed", "conditions": [{"type": "Ready", "status": "False"}, {"type": "Failed", "status": "True", "reason": "PathsFailed", "message": "2 paths failed: a/b: Permission denied (13)"}, {"type": "Stalled", "status": "True", "message": "The pass failed"}]}""",
        "Degraded", "2 paths failed: a/b: Permission denied (13)")]
    [InlineData("""{"observedGeneration": 2, "phase": "Pending", "conditions": [{"type": "Stalled", "status": "True", "reason": "ZooKeeperUnreachable", "message": "ZooKeeper zk:2181 is unreachable"}, {"type": "Reconciling", "status": "True"}]}""",
        "Degraded", "ZooKeeper zk:2181 is unreachable")]
    [InlineData("""{"observedGeneration": 2, "phase": "Failed", "message": "Job db-move-sources failed"}""", "Degraded", "Job db-move-sources failed")]
    [InlineData("""{"observedGeneration": 2, "phase": "Suspended", "conditions": [{"type": "Suspended", "status": "True", "message": "spec.suspend is true"}]}""",
        "Suspended", "spec.suspend is true")]
    public async Task HealthCheck_MapsTheSessionsStatus(string status, string health, string message)
    {
        var session = new JsonObject
        {
            ["apiVersion"] = "zksync.io/v1alpha1",
            ["kind"] = "ZkRsyncSession",
            ["metadata"] = new JsonObject { ["name"] = "s", ["namespace"] = "apps", ["generation"] = 2 },
            ["spec"] = new JsonObject { ["source"] = new JsonObject { ["claimName"] = "a" }, ["destination"] = new JsonObject { ["claimName"] = "b" } },
        };
        var parsed = JsonNode.Parse(status)!.AsObject();
        if (parsed.Count > 0)
        {
            session["status"] = parsed;
        }

        var (actualHealth, actualMessage) = await RunAsync(session);
        Assert.Equal(health, actualHealth);
        Assert.Equal(message, actualMessage);
    }

    private static JsonObject ConfigMap() =>
        Manifests.Load(Path.Combine(Repository.Examples, "gitops", "argocd", "argocd-cm.yaml")).Single("ConfigMap", "argocd-cm");

    private static async Task<(string Health, string Message)> RunAsync(JsonObject session)
    {
        var script = (string)ConfigMap()["data"]![HealthKey]!;
        var chunk = new StringBuilder()
            .Append("obj = ").Append(LuaValue(session)).Append('\n')
            .Append("local check = assert(loadstring(").Append(LuaString(script)).Append(", \"health.lua\"))\n")
            .Append("local hs = check()\n")
            .Append("io.write(hs.status, \"\\n\", hs.message or \"\", \"\\n\")\n")
            .ToString();
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, chunk);
            var result = await CommandRunner.RunAsync("lua5.1", [file], new Dictionary<string, string>(), null, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(result.Succeeded, result.ToString());
            var lines = result.Output.Split('\n');
            return (lines[0], lines[1]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A JSON value as a Lua table constructor (arrays 1-based, as Argo CD's conversion makes them; nulls omitted).</summary>
    private static string LuaValue(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(", ", obj.Where(p => p.Value is not null).Select(p => $"[{LuaString(p.Key)}] = {LuaValue(p.Value)}")) + "}",
        JsonArray array => "{" + string.Join(", ", array.Select(LuaValue)) + "}",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => LuaString((string)value!),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (bool)value ? "true" : "false",
        JsonValue value => value.ToJsonString(),
        _ => "nil",
    };

    private static string LuaString(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when c < ' ' => "\\" + ((int)c).ToString(CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
