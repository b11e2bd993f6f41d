using System.Text.Json.Nodes;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Entities;

/// <summary>The CRD's CEL rules, evaluated with the Cel package on valid and invalid sessions (the local API server
/// evaluates them the same way; a real one also estimates their cost, see <see cref="CelBounds"/>).</summary>
public sealed class CelRulesTests
{
    private static readonly JsonObject Schema = CrdDocument.Schema(CrdDocument.Load());

    private static JsonObject Session(string name = "home", Action<JsonObject>? spec = null)
    {
        var session = CrdDocument.Parse($$$"""
            apiVersion: zksync.io/v1alpha1
            kind: ZkRsyncSession
            metadata: {name: {{{name}}}, namespace: apps}
            spec:
              source: {claimName: old-home, subPath: home}
              destination:
                volume: {nfs: {server: nas, path: /export}}
              subPaths: [{path: projects/big, depth: 2}]
              rsync: {extraArgs: ["--bwlimit=10m", "--numeric-ids"]}
              zookeeper: {servers: "zk:2181"}
            """);
        spec?.Invoke(session["spec"]!.AsObject());
        return session;
    }

    [Fact]
    public void ValidSession_PassesEveryRule()
    {
        Assert.Empty(CelRules.Failures(Schema, Session()));
        Assert.Empty(CelRules.Failures(Schema, Session(), Session()));
        Assert.Empty(CelRules.Failures(Schema, Session(new string('a', 40))));
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "at most 40 characters")]
    [InlineData("my.session", "lowercase letters, digits and '-'")]
    public void BadNames_AreRefused(string name, string message) =>
        Assert.Contains(CelRules.Failures(Schema, Session(name)), m => m.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void EveryForbiddenExtraArg_IsRefused_NamingIt_WithOrWithoutAValue()
    {
        foreach (var option in RsyncExtraArgs.Forbidden)
        {
            foreach (var arg in new[] { option, option + "=x" })
            {
                var failures = CelRules.Failures(Schema, Session(spec: s => s["rsync"]!["extraArgs"] = new JsonArray("--bwlimit=1m", arg)));
                Assert.True(failures.Any(m => m.Contains(option, StringComparison.Ordinal) && m.Contains("not allowed", StringComparison.Ordinal)),
                    $"{arg} was not refused by a rule naming {option}: [{string.Join(" | ", failures)}]");
            }
        }
    }

    [Theory]
    [InlineData("-e", "only long options")]
    [InlineData("--", "only long options")]
    [InlineData("--chmod=D775,F664", "no ','")]
    public void MalformedExtraArgs_AreRefused(string arg, string message) =>
        Assert.Contains(CelRules.Failures(Schema, Session(spec: s => s["rsync"]!["extraArgs"] = new JsonArray(arg))), m => m.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void SourceWithBothOrNeitherClaimAndVolume_IsRefused()
    {
        Assert.Contains("spec.source: give exactly one of claimName and volume",
            CelRules.Failures(Schema, Session(spec: s => s["source"]!["volume"] = new JsonObject { ["nfs"] = new JsonObject { ["server"] = "a", ["path"] = "/" } })));
        Assert.Contains("spec.destination: give exactly one of claimName and volume",
            CelRules.Failures(Schema, Session(spec: s => s["destination"] = new JsonObject { ["subPath"] = "x" })));
    }

    [Theory]
    [InlineData("hostPath", "hostPath is not allowed")]
    [InlineData("persistentVolumeClaim", "use claimName")]
    public void InlineVolumes_RefuseHostPathAndClaims(string source, string message) =>
        Assert.Contains(CelRules.Failures(Schema, Session(spec: s => s["destination"]!["volume"] = new JsonObject { [source] = new JsonObject { ["path"] = "/x" } })),
            m => m.Contains(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("/abs")]
    [InlineData("..")]
    [InlineData("a/../b")]
    public void SubPathsOutsideTheVolume_AreRefused(string subPath)
    {
        Assert.Contains("subPath: a relative path without '..'", CelRules.Failures(Schema, Session(spec: s => s["source"]!["subPath"] = subPath)));
        Assert.Contains("subPaths[].path: a relative path without '..' or ','",
            CelRules.Failures(Schema, Session(spec: s => s["subPaths"]![0]!["path"] = subPath)));
    }

    [Fact]
    public void DotsInsideNames_AreFineInSubPaths() =>
        Assert.Empty(CelRules.Failures(Schema, Session(spec: s => s["source"]!["subPath"] = "a..b/.hidden/x..")));

    [Fact]
    public void SourceDestinationAndZooKeeper_AreImmutable()
    {
        var old = Session();
        Assert.Contains("spec.source is immutable", CelRules.Failures(Schema, Session(spec: s => s["source"]!["claimName"] = "other"), old));
        Assert.Contains("spec.destination is immutable",
            CelRules.Failures(Schema, Session(spec: s => s["destination"]!["volume"]!["nfs"]!["path"] = "/elsewhere"), old));
        Assert.Contains("spec.zookeeper is immutable", CelRules.Failures(Schema, Session(spec: s => s["zookeeper"]!["servers"] = "zk2:2181"), old));
        Assert.Contains("spec.zookeeper is immutable", CelRules.Failures(Schema, Session(spec: s => s.Remove("zookeeper")), old));

        // Everything else may change.
        Assert.Empty(CelRules.Failures(Schema, Session(spec: s => { s["sources"] = 9; s["rsync"]!["extraArgs"] = new JsonArray(); }), old));
    }
}
