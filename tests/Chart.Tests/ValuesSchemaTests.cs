using System.Text.Json.Nodes;
using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>values.schema.json covers every value, and bad or contradictory values fail with one clear line.</summary>
public sealed class ValuesSchemaTests
{
    private static JsonObject Schema => JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Chart, "values.schema.json")))!.AsObject();

    [Fact]
    public void Schema_DescribesEveryValue_AndValuesYamlSetsEveryValueTheSchemaDescribes()
    {
        var schema = Schema;
        var values = Manifests.Load(Path.Combine(Repository.Chart, "values.yaml")).Objects.Single();
        var described = new List<string>();
        var set = new List<string>();
        Walk(schema, schema, values, "", described, set);
        Assert.Empty(set.Except(described));
        Assert.Empty(described.Except(set).Except(["global"]));
    }

    [Theory]
    [InlineData("unknown=1", "Additional property unknown is not allowed")]
    [InlineData("zookeeper.replica=3", "Additional property replica is not allowed")]
    [InlineData("replicaCount=0", "replicaCount: Must be greater than or equal to 1")]
    [InlineData("image.pullPolicy=Sometimes", "image.pullPolicy: image.pullPolicy must be one of the following")]
    [InlineData("image.digest=latest", "image.digest: Does not match pattern")]
    [InlineData("zookeeper.enabled=yes", "zookeeper.enabled: Invalid type. Expected: boolean, given: string")]
    [InlineData("zookeeper.servers=zk-0:2181;zk-1:2181", "zookeeper.servers: Does not match pattern")]
    [InlineData("zookeeper.auth.adminUser=a:b", "zookeeper.auth.adminUser: Does not match pattern")]
    [InlineData("watchNamespaces={Apps}", "watchNamespaces.0: Does not match pattern")]
    [InlineData("operator.logLevel=Chatty", "operator.logLevel: operator.logLevel must be one of the following")]
    [InlineData("networkPolicy.apiServer.cidrs={10.0.0.1}", "networkPolicy.apiServer.cidrs.0: Does not match pattern")]
    [InlineData("zookeeper.persistence.size=lots", "zookeeper.persistence.size: Does not match pattern")]
    public async Task Schema_RefusesBadValues_NamingTheValue(string setting, string message)
    {
        var result = await ChartRenderer.TemplateAsync("--set", setting);
        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("values don't meet the specifications of the schema", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "rbac.clusterWide=true", "watchNamespaces={apps}" }, "watchNamespaces must be empty with rbac.clusterWide=true")]
    [InlineData(new[] { "zookeeper.servers=zk:2181" }, "zookeeper.servers names an existing ensemble: set zookeeper.enabled=false")]
    [InlineData(new[] { "zookeeper.enabled=false" }, "zookeeper.enabled=false needs zookeeper.servers")]
    [InlineData(new[] { "zookeeper.enabled=false", "zookeeper.servers=zk:2181" }, "needs the operator's credentials: zookeeper.auth.existingSecret or zookeeper.auth.adminPassword")]
    [InlineData(new[] { "metrics.serviceMonitor.enabled=true", "metrics.service.enabled=false" }, "metrics.serviceMonitor.enabled needs metrics.service.enabled")]
    public async Task ContradictoryValues_FailWithOneClearLine(string[] settings, string message)
    {
        var result = await ChartRenderer.TemplateAsync([.. settings.SelectMany(s => new[] { "--set", s })]);
        Assert.False(result.Succeeded, result.ToString());
        var line = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains(message, line, StringComparison.Ordinal);
    }

    /// <summary>Collects the dotted paths the schema describes and the values set, down to free-form fields.</summary>
    private static void Walk(JsonObject root, JsonObject schema, JsonNode? value, string path, List<string> described, List<string> set)
    {
        schema = Resolve(root, schema);
        if (schema["type"] is not JsonValue type || (string?)type != "object" || schema["properties"] is not JsonObject properties)
        {
            return; // a leaf, or a free-form Kubernetes object (resources, affinity ...) passed through as written
        }

        Assert.True(schema["additionalProperties"] is JsonValue closed && !(bool)closed, $"{path}: the schema must refuse unknown keys");
        foreach (var (name, child) in properties)
        {
            described.Add(Join(path, name));
        }

        foreach (var (name, child) in value?.AsObject() ?? [])
        {
            set.Add(Join(path, name));
            if (properties[name] is JsonObject childSchema)
            {
                Walk(root, childSchema, child, Join(path, name), described, set);
            }
        }
    }

    private static JsonObject Resolve(JsonObject root, JsonObject schema) =>
        schema["$ref"] is JsonValue reference
            ? root["definitions"]![((string)reference!)["#/definitions/".Length..]]!.AsObject()
            : schema;

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
