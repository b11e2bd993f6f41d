using System.Text.Json.Nodes;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Tests.Entities;

public sealed class CrdSchemaTests
{
    private static readonly JsonObject Crd = CrdDocument.Load();
    private static readonly JsonObject Schema = CrdDocument.Schema(Crd);

    [Fact]
    public void CrdAndCSharpTypes_AgreeFieldByField_BothWays()
    {
        var errors = SchemaAgreement.Compare(Schema, typeof(V1Alpha1ZkRsyncSession));
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void SchemaAgreement_WhenAFieldIsMissingOnEitherSide_ReportsIt()
    {
        var schema = Schema.DeepClone().AsObject();
        var spec = schema["properties"]!["spec"]!["properties"]!.AsObject();
        spec.Remove("depth");
        spec["extraField"] = new JsonObject { ["type"] = "string", ["description"] = "x" };
        spec["sources"]!["type"] = "string";

        var errors = SchemaAgreement.Compare(schema, typeof(V1Alpha1ZkRsyncSession));

        Assert.Contains(errors, e => e.StartsWith("spec.depth: in C#", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.extraField: in the CRD", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.sources: type mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Crd_NamesAndPrinterColumns_AreTheOnesTheOperatorUses()
    {
        var spec = Crd["spec"]!;
        Assert.Equal(ZkRsyncSessionResource.CrdName, (string?)Crd["metadata"]!["name"]);
        Assert.Equal(ZkRsyncSessionResource.Group, (string?)spec["group"]);
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal(ZkRsyncSessionResource.Kind, (string?)spec["names"]!["kind"]);
        Assert.Equal(ZkRsyncSessionResource.Plural, (string?)spec["names"]!["plural"]);
        Assert.Equal([ZkRsyncSessionResource.ShortName], spec["names"]!["shortNames"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["zksync"], spec["names"]!["categories"]!.AsArray().Select(n => (string)n!));
        var version = spec["versions"]![0]!;
        Assert.Equal(ZkRsyncSessionResource.Version, (string?)version["name"]);
        Assert.NotNull(version["subresources"]!["status"]);
        var columns = version["additionalPrinterColumns"]!.AsArray().Select(c => ((string)c!["name"]!, (string)c["jsonPath"]!)).ToList();
        Assert.Equal(
            [("Phase", ".status.phase"), ("Progress", ".status.progressPercent"), ("Remaining", ".status.paths.remaining"),
             ("Failed", ".status.paths.failed"), ("ETA", ".status.eta"), ("Age", ".metadata.creationTimestamp")],
            columns);
    }

    [Fact]
    public void Crd_PhaseEnum_MatchesSessionPhase()
    {
        var values = Schema["properties"]!["status"]!["properties"]!["phase"]!["enum"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(SessionPhase.All, values);
    }

    [Fact]
    public void EveryField_IsDescribed()
    {
        var undescribed = new List<string>();
        FindUndescribed(Schema, "", undescribed);
        Assert.True(undescribed.Count == 0, "no description: " + string.Join(", ", undescribed));
    }

    [Fact]
    public void EveryStringAndListACelRuleTouches_IsBounded()
    {
        var problems = CelBounds.FindUnbounded(Schema);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(CelBounds.Rules(Schema).Count() > 20, "the CRD's rules were not found");
    }

    [Fact]
    public void CelBounds_WhenARuleTouchesAnUnboundedStringOrList_ReportsIt()
    {
        var schema = Schema.DeepClone().AsObject();
        var rsync = schema["properties"]!["spec"]!["properties"]!["rsync"]!["properties"]!.AsObject();
        rsync["extraArgs"]!.AsObject().Remove("maxItems");
        rsync["extraArgs"]!["items"]!.AsObject().Remove("maxLength");
        schema["properties"]!["spec"]!["properties"]!["zookeeper"]!["properties"]!["servers"]!.AsObject().Remove("maxLength");

        var problems = CelBounds.FindUnbounded(schema);

        Assert.Contains(problems, p => p.StartsWith("spec.rsync.extraArgs: list", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.rsync.extraArgs[]: string", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.zookeeper.servers: string", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryForbiddenExtraArg_IsRefusedByARuleThatNamesIt()
    {
        var rules = CelBounds.Rules(Schema).Where(r => r.Path == "spec.rsync.extraArgs").ToList();
        foreach (var option in ZkSync.Operator.Reconciliation.RsyncExtraArgs.Forbidden)
        {
            Assert.Contains(rules, r => r.Rule.Contains($"'{option}'", StringComparison.Ordinal) && r.Message.Contains(option, StringComparison.Ordinal));
        }

        // And no rule refuses an option the operator does not know to be forbidden.
        foreach (var (_, rule, _) in rules.Where(r => r.Rule.StartsWith("!self.exists", StringComparison.Ordinal)))
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(rule, "'(--[a-z0-9-]+)'"))
            {
                Assert.Contains(m.Groups[1].Value, ZkSync.Operator.Reconciliation.RsyncExtraArgs.Forbidden);
            }
        }
    }

    [Fact]
    public void NameRules_LimitTheNameTo40Characters()
    {
        var rules = CelBounds.Rules(Schema).Where(r => r.Path.Length == 0).Select(r => r.Rule).ToList();
        Assert.Contains($"size(self.metadata.name) <= {ZkRsyncSessionResource.MaxNameLength}", rules);
    }

    [Fact]
    public void ReadmeExample_UsesOnlyFieldsOfTheSchema_AndReadsIntoTheCSharpTypes()
    {
        var readme = File.ReadAllText(Path.Combine(CrdDocument.RepositoryRoot, "README.md"));
        var match = System.Text.RegularExpressions.Regex.Match(readme, "```yaml\n(apiVersion: zksync.io/v1alpha1\n.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, "the README has no ZkRsyncSession example");
        var example = CrdDocument.Parse(match.Groups[1].Value);

        var unknown = new List<string>();
        FindUnknown(example["spec"]!.AsObject(), Schema["properties"]!["spec"]!.AsObject(), "spec", unknown);
        Assert.True(unknown.Count == 0, "not in the schema: " + string.Join(", ", unknown));

        var session = k8s.KubernetesJson.Deserialize<V1Alpha1ZkRsyncSession>(example.ToJsonString());
        Assert.Equal(("home", "old-home", 8, 4), (session.Metadata.Name, session.Spec.Source.ClaimName, session.Spec.SourceCount, session.Spec.DestinationCount));
    }

    private static void FindUnknown(JsonObject value, JsonObject schema, string path, List<string> unknown)
    {
        if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true || schema["additionalProperties"] is not null)
        {
            return;
        }

        foreach (var (name, child) in value)
        {
            var childSchema = schema["properties"]?[name] as JsonObject;
            if (childSchema is null)
            {
                unknown.Add(path + "." + name);
            }
            else if (child is JsonObject childObject)
            {
                FindUnknown(childObject, childSchema, path + "." + name, unknown);
            }
            else if (child is JsonArray array && childSchema["items"] is JsonObject itemSchema)
            {
                foreach (var item in array.OfType<JsonObject>())
                {
                    FindUnknown(item, itemSchema, path + "." + name + "[]", unknown);
                }
            }
        }
    }

    private static void FindUndescribed(JsonObject node, string path, List<string> undescribed)
    {
        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
        {
            var childPath = path.Length == 0 ? name : path + "." + name;
            if (childPath == "metadata")
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace((string?)child!["description"]))
            {
                undescribed.Add(childPath);
            }

            FindUndescribed(child.AsObject(), childPath, undescribed);
            if (child["items"] is JsonObject items)
            {
                if (items["type"]?.ToString() == "object" && string.IsNullOrWhiteSpace((string?)items["description"]))
                {
                    undescribed.Add(childPath + "[]");
                }

                FindUndescribed(items, childPath + "[]", undescribed);
            }
        }
    }
}
