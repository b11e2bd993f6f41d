using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// A realistic CRD (shaped like issue 14's ZkRsyncSession) through defaulting, pruning and validation, with every
/// error message as kube-apiserver words it (formats from apimachinery's field errors, kube-openapi's validators and
/// apiextensions-apiserver's CEL validator).
/// </summary>
public sealed class ZkRsyncSessionSchemaTests
{
    private static readonly CustomResourceSchema Schema = CustomResourceSchema.FromOpenApiV3(ZkRsyncSessionCrd.SchemaJson());

    [Fact]
    public void ApplyDefaults_OnAMinimalSession_FillsNestedDefaultsIncludingInsideListItemsAndNewObjects()
    {
        var session = ZkRsyncSessionCrd.Session();

        Schema.ApplyDefaults(session);

        var spec = session["spec"]!;
        Assert.Equal(4, spec["sources"]!.GetValue<int>());
        Assert.Equal(3, spec["depth"]!.GetValue<int>());
        Assert.Equal(5, spec["progressIntervalSeconds"]!.GetValue<int>());
        Assert.True(spec["source"]!["readOnly"]!.GetValue<bool>());
        Assert.Null(spec["destination"]!["readOnly"]);
        Assert.True(JsonNode.DeepEquals(Json("""[{"path":"home","depth":1},{"path":"srv/www","depth":2}]"""), spec["subPaths"]));
        Assert.True(JsonNode.DeepEquals(Json("""{"delete":false,"checksum":false}"""), spec["rsync"]), spec["rsync"]!.ToJsonString());
        Assert.False(spec.AsObject().ContainsKey("destinations"));
        Assert.Null(session["status"]);
    }

    [Fact]
    public void ApplyDefaults_LeavesValuesTheUserGave()
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]!["sources"] = 16;
        session["spec"]!["rsync"] = Object("""{"delete":true}""");

        Schema.ApplyDefaults(session);

        Assert.Equal(16, session["spec"]!["sources"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(Json("""{"delete":true,"checksum":false}"""), session["spec"]!["rsync"]));
    }

    [Fact]
    public void Prune_DropsUnknownFieldsButKeepsPreservedOnesAndObjectMeta()
    {
        var session = ZkRsyncSessionCrd.Session();
        session["metadata"]!["labels"] = Object("""{"app":"db"}""");
        session["metadata"]!["bogus"] = "x";
        session["spec"]!["foo"] = 1;
        session["spec"]!["source"] = Object("""{"volume":{"nfs":{"server":"nfs.local","path":"/exports"}}}""");
        session["spec"]!["subPaths"]![0]!["bogus"] = true;
        session["status"] = Object("""{"phase":"Running","unknown":1}""");

        var unknown = Schema.UnknownFields(session);
        Schema.Prune(session);

        Assert.Equal([".metadata.bogus", ".spec.foo", ".spec.subPaths[0].bogus", ".status.unknown"], unknown);
        Assert.True(JsonNode.DeepEquals(Json("""{"name":"nightly-copy","namespace":"default","labels":{"app":"db"}}"""), session["metadata"]));
        Assert.False(session["spec"]!.AsObject().ContainsKey("foo"));
        Assert.Equal("nfs.local", session["spec"]!["source"]!["volume"]!["nfs"]!["server"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(Json("""{"path":"home"}"""), session["spec"]!["subPaths"]![0]));
        Assert.True(JsonNode.DeepEquals(Json("""{"phase":"Running"}"""), session["status"]));
        Assert.Equal("zksync.io/v1alpha1", session["apiVersion"]!.GetValue<string>());
        Assert.Empty(Schema.UnknownFields(session));
    }

    [Fact]
    public void Validate_AValidDefaultedSession_HasNoErrors()
    {
        var session = ZkRsyncSessionCrd.Session();
        Schema.ApplyDefaults(session);

        Assert.Empty(Schema.Validate(session, null));
    }

    [Theory]
    [InlineData("sources", "-1", "FieldValueInvalid", "spec.sources: Invalid value: -1: spec.sources in body should be greater than or equal to 1")]
    [InlineData("sources", "300", "FieldValueInvalid", "spec.sources: Invalid value: 300: spec.sources in body should be less than or equal to 256")]
    [InlineData("sources", "\"four\"", "FieldValueTypeInvalid", "spec.sources: Invalid value: \"string\": spec.sources in body must be of type integer: \"string\"")]
    [InlineData("sources", "2.5", "FieldValueTypeInvalid", "spec.sources: Invalid value: \"number\": spec.sources in body must be of type integer: \"number\"")]
    [InlineData("depth", "-3", "FieldValueInvalid", "spec.depth: Invalid value: -3: spec.depth in body should be greater than or equal to 0")]
    [InlineData("suspend", "\"yes\"", "FieldValueTypeInvalid", "spec.suspend: Invalid value: \"string\": spec.suspend in body must be of type boolean: \"string\"")]
    [InlineData("trigger", "[]", "FieldValueTypeInvalid", "spec.trigger: Invalid value: \"array\": spec.trigger in body must be of type object: \"array\"")]
    public void Validate_ASchemaViolation_IsReportedAsTheServerWordsIt(string field, string value, string reason, string expected)
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]![field] = Json(value);
        Schema.ApplyDefaults(session);

        var errors = Schema.Validate(session, null);

        Assert.Equal(expected, errors[0].ToString());
        Assert.Equal(reason, errors[0].Reason);
    }

    [Fact]
    public void Validate_SchemaViolationsEverywhere_AreAllReportedAndBlockTheCelRules()
    {
        var session = ZkRsyncSessionCrd.Session(new string('a', 41));
        session["spec"]!.AsObject().Remove("destination");
        session["spec"]!["source"]!["claimName"] = new string('c', 254);
        session["spec"]!["subPaths"] = Json("""[{"path":""},{"path":"home"},{"path":"home"}]""");
        session["spec"]!["workers"] = Object("""{"imagePullPolicy":"Sometimes","podLabels":{"app":"0123456789012345678901234567890123456789012345678901234567890123"}}""");
        session["spec"]!["zookeeper"] = Object("""{"servers":"zk1"}""");
        session["status"] = Object("""{"progressPercent":101,"lastProgressTime":"yesterday","conditions":[{"type":"Ready"}]}""");
        Schema.ApplyDefaults(session);

        var errors = Schema.Validate(session, null);

        Assert.Equal(
        [
            "spec.source.claimName: Too long: may not be more than 253 bytes",
            "spec.subPaths[0].path: Invalid value: \"\": spec.subPaths[0].path in body should be at least 1 chars long",
            "spec.zookeeper.servers: Invalid value: \"zk1\": spec.zookeeper.servers in body should match '^[^,:]+:[0-9]+(,[^,:]+:[0-9]+)*$'",
            "spec.workers.imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            "spec.workers.podLabels.app: Too long: may not be more than 63 bytes",
            "spec.destination: Required value",
            "status.progressPercent: Invalid value: 101: status.progressPercent in body should be less than or equal to 100",
            "status.lastProgressTime: Invalid value: \"yesterday\": status.lastProgressTime in body must be of type date-time: \"yesterday\"",
            "status.conditions[0].status: Required value",
            "spec.subPaths[2]: Duplicate value: map[string]interface {}{\"path\":\"home\"}",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ], Texts(errors));
        Assert.Equal(
            ["FieldValueTooLong", "FieldValueInvalid", "FieldValueInvalid", "FieldValueNotSupported", "FieldValueTooLong", "FieldValueRequired",
             "FieldValueInvalid", "FieldValueTypeInvalid", "FieldValueRequired", "FieldValueDuplicate", "FieldValueInvalid"],
            errors.Select(e => e.Reason));
        Assert.Equal("spec.source.claimName", errors[0].Field);
        Assert.Equal("Too long: may not be more than 253 bytes", errors[0].Message);
    }

    [Fact]
    public void Validate_TooManyListItemsAndMapEntries_AreTooManyErrors()
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]!["subPaths"] = new JsonArray(Enumerable.Range(0, 65).Select(i => (JsonNode?)new JsonObject { ["path"] = $"p{i}" }).ToArray());
        session["spec"]!["workers"] = new JsonObject { ["podLabels"] = new JsonObject(Enumerable.Range(0, 17).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)"v"))) };
        Schema.ApplyDefaults(session);

        var errors = Schema.Validate(session, null);

        Assert.Equal(
        [
            "spec.subPaths: Too many: 65: must have at most 64 items",
            "spec.workers.podLabels: Too many: 17: must have at most 16 items",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ], Texts(errors));
        Assert.Equal("FieldValueTooMany", errors[0].Reason);
    }

    [Fact]
    public void Validate_AnIntOrStringOfAnotherType_FailsTheTypeAndTheAnyOf()
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]!["rsync"] = Object("""{"bandwidthLimit":true}""");
        Schema.ApplyDefaults(session);

        var errors = Schema.Validate(session, null);

        Assert.Equal(
        [
            "spec.rsync.bandwidthLimit: Invalid value: \"boolean\": spec.rsync.bandwidthLimit in body must be of type integer,string: \"boolean\"",
            "<nil>: Invalid value: \"\": \"spec.rsync.bandwidthLimit\" must validate at least one schema (anyOf)",
            "spec.rsync.bandwidthLimit: Invalid value: \"boolean\": spec.rsync.bandwidthLimit in body must be of type integer: \"boolean\"",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ], Texts(errors));
    }

    [Theory]
    [InlineData("\"10M\"")]
    [InlineData("1024")]
    public void Validate_AnIntOrString_AcceptsBoth(string value)
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]!["rsync"] = Object($$"""{"bandwidthLimit":{{value}}}""");
        Schema.ApplyDefaults(session);

        Assert.Empty(Schema.Validate(session, null));
    }

    [Fact]
    public void Validate_ANameOver40Characters_FailsTheRootRuleWithItsMessage()
    {
        var session = ZkRsyncSessionCrd.Session(new string('a', 41));
        Schema.ApplyDefaults(session);

        var error = Assert.Single(Schema.Validate(session, null));

        Assert.Equal("<nil>: Invalid value: \"object\": name must be at most 40 characters (Job and label names derive from it)", error.ToString());
        Assert.Equal("<nil>", error.Field);
        Assert.Equal("FieldValueInvalid", error.Reason);
    }

    [Fact]
    public void Validate_ANameThatIsNotADnsLabel_FailsTheRuleOnMetadataName()
    {
        var session = ZkRsyncSessionCrd.Session("Nightly_Copy");
        Schema.ApplyDefaults(session);

        Assert.Equal(["metadata.name: Invalid value: \"string\": must be a DNS-1123 label"], Texts(Schema.Validate(session, null)));
    }

    [Fact]
    public void Validate_CelRuleFailures_CarryTheirMessagesFieldPathsAndReasons()
    {
        var session = ZkRsyncSessionCrd.Session();
        session["spec"]!["source"]!["volume"] = Object("""{"nfs":{"server":"nfs.local"}}""");
        session["spec"]!["destinations"] = 20;
        session["spec"]!["trigger"] = Object("""{"manual":"2024-06-01","schedule":"0 3 * * *"}""");
        session["spec"]!["subPaths"] = Json("""[{"path":"/etc"},{"path":"a/../../b"}]""");
        session["spec"]!["rsync"] = Object("""{"extraArgs":["--bwlimit=10","--rsh=ssh evil"]}""");
        Schema.ApplyDefaults(session);

        var errors = Schema.Validate(session, null);

        Assert.Equal(
        [
            "spec.destinations: Invalid value: \"object\": destinations may be at most four times sources",
            "spec: Forbidden: trigger.schedule and trigger.manual are exclusive, got schedule 0 3 * * *",
            "spec.source: Invalid value: \"object\": exactly one of claimName and volume",
            "spec.subPaths: Invalid value: \"array\": subPaths must be relative and stay inside the volume",
            "spec.rsync.extraArgs: Invalid value: \"array\": option --rsh is not allowed",
        ], Texts(errors));
        Assert.Equal("FieldValueForbidden", errors[1].Reason);
    }

    [Fact]
    public void Validate_OnCreate_TransitionRulesDoNotRun()
    {
        var session = ZkRsyncSessionCrd.Session();
        Schema.ApplyDefaults(session);

        Assert.Empty(Schema.Validate(session, null));
    }

    [Fact]
    public void Validate_AnUpdateChangingTheSource_FailsTheImmutabilityRule()
    {
        var old = ZkRsyncSessionCrd.Session();
        Schema.ApplyDefaults(old);
        var updated = old.DeepClone().AsObject();
        updated["spec"]!["source"]!["claimName"] = "other";
        updated["spec"]!["zookeeper"] = Object("""{"servers":"zk:2181"}""");

        var errors = Schema.Validate(updated, old);

        Assert.Equal(["spec.source: Invalid value: \"object\": source is immutable"], Texts(errors));
    }

    [Fact]
    public void Validate_AnUpdateChangingMutableFields_PassesTheTransitionRules()
    {
        var old = ZkRsyncSessionCrd.Session();
        Schema.ApplyDefaults(old);
        var updated = old.DeepClone().AsObject();
        updated["spec"]!["sources"] = 8;
        updated["spec"]!["trigger"] = Object("""{"manual":"final"}""");

        Assert.Empty(Schema.Validate(updated, old));
    }

    [Fact]
    public void Validate_AnUpdateLeavingAnOldInvalidValueAlone_RatchetsItsSchemaAndRuleErrors()
    {
        // Stored before the schema got stricter: an unparsable servers string and both claimName and volume.
        var old = ZkRsyncSessionCrd.Session();
        old["spec"]!["zookeeper"] = Object("""{"servers":"zk1"}""");
        old["spec"]!["source"]!["volume"] = Object("""{"emptyDir":{}}""");
        Schema.ApplyDefaults(old);
        var updated = old.DeepClone().AsObject();
        updated["spec"]!["suspend"] = true;

        Assert.Empty(Schema.Validate(updated, old));

        updated["spec"]!["zookeeper"]!["servers"] = "zk2";
        Assert.Equal(
        [
            "spec.zookeeper.servers: Invalid value: \"zk2\": spec.zookeeper.servers in body should match '^[^,:]+:[0-9]+(,[^,:]+:[0-9]+)*$'",
            "spec.zookeeper: Invalid value: \"object\": zookeeper is immutable",
        ], Texts(Schema.Validate(updated, old)));
    }

    [Fact]
    public void Validate_FromManyThreadsAtOnce_GivesTheSameErrorsAsAlone()
    {
        var session = ZkRsyncSessionCrd.Session(new string('n', 41));
        session["spec"]!["sources"] = 0;
        session["spec"]!["subPaths"] = Json("""[{"path":"/abs"}]""");
        Schema.ApplyDefaults(session);
        var old = ZkRsyncSessionCrd.Session(new string('n', 41));
        Schema.ApplyDefaults(old);
        var expected = Texts(Schema.Validate(session, old));

        var results = new string[64][];
        Parallel.For(0, results.Length, i => results[i] = Texts(Schema.Validate(session.DeepClone().AsObject(), old)));

        Assert.Equal(3, expected.Length);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ValidateStatusUpdate_ChecksTheStatusAgainstItsOwnSchemaAndRunsEveryRule()
    {
        var old = ZkRsyncSessionCrd.Session(new string('x', 41));
        Schema.ApplyDefaults(old);
        var updated = old.DeepClone().AsObject();
        updated["status"] = Object("""{"phase":"Going","progressPercent":150,"lastProgressTime":"2024-06-01T10:00:00Z"}""");

        Assert.Equal(
        [
            "status.phase: Unsupported value: \"Going\": supported values: \"Pending\", \"Running\", \"Succeeded\", \"Failed\", \"Suspended\"",
            "status.progressPercent: Invalid value: 150: progressPercent in body should be less than or equal to 100",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ], Texts(Schema.ValidateStatusUpdate(updated, old)));

        updated["status"] = Object("""{"phase":"Running","progressPercent":50}""");
        Assert.Equal(
            ["<nil>: Invalid value: \"object\": name must be at most 40 characters (Job and label names derive from it)"],
            Texts(Schema.ValidateStatusUpdate(updated, old)));
    }
}
