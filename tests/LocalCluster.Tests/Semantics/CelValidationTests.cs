using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// How x-kubernetes-validations rules run and report, after apiextensions-apiserver's cel.Validator
/// (pkg/apiserver/schema/cel/validation.go): where errors land, messages and reasons, transition rules and their
/// correlation, optionalOldSelf, runtime errors, and ratcheting of unchanged values.
/// </summary>
public sealed class CelValidationTests
{
    [Fact]
    public void RulesOnListItemsAndMapValues_ReportAtTheItemsPath()
    {
        var schema = RootSchema("""
            {"items":{"type":"array","items":{"type":"string","x-kubernetes-validations":[{"rule":"self.size() < 3","message":"too long"}]}},
             "labels":{"type":"object","additionalProperties":{"type":"string","x-kubernetes-validations":[{"rule":"self != ''"}]}}}
            """);

        var errors = schema.Validate(Object("""{"items":["ab","abc"],"labels":{"a.b/c":"","ok":"x"}}"""), null);

        Assert.Equal(["items[1]: Invalid value: \"string\": too long", "labels[a.b/c]: Invalid value: \"string\": failed rule: self != ''"], Texts(errors));
    }

    [Theory]
    [InlineData("FieldValueForbidden", "spec: Forbidden: nope")]
    [InlineData("FieldValueRequired", "spec: Required value: nope")]
    [InlineData("FieldValueDuplicate", "spec: Duplicate value: \"object\"")]
    [InlineData("FieldValueInvalid", "spec: Invalid value: \"object\": nope")]
    public void Reason_ChoosesTheKindOfError(string reason, string expected)
    {
        var schema = RootSchema("""{"spec":{"type":"object","x-kubernetes-validations":[{"rule":"false","message":"nope","reason":""" + "\"" + reason + "\"}]}}");

        var error = Assert.Single(schema.Validate(Object("""{"spec":{}}"""), null));

        Assert.Equal(expected, error.ToString());
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void FieldPath_MovesTheErrorToTheNamedField()
    {
        var schema = RootSchema("""
            {"spec":{"type":"object","x-kubernetes-validations":[
                {"rule":"self.min <= self.max","message":"min above max","fieldPath":".min"},
                {"rule":"!('a.b' in self.labels)","message":"reserved","fieldPath":".labels['a.b']"}],
              "properties":{"min":{"type":"integer"},"max":{"type":"integer"},"labels":{"type":"object","additionalProperties":{"type":"string"}}}}}
            """);

        var errors = schema.Validate(Object("""{"spec":{"min":5,"max":1,"labels":{"a.b":"x"}}}"""), null);

        Assert.Equal(["spec.min: Invalid value: \"object\": min above max", "spec.labels[a.b]: Invalid value: \"object\": reserved"], Texts(errors));
    }

    [Fact]
    public void MessageExpression_IsUsedAndFallsBackToTheMessageWhenItFails()
    {
        var schema = RootSchema("""
            {"spec":{"type":"object","properties":{"n":{"type":"integer"}},"x-kubernetes-validations":[
                {"rule":"self.n < 3","messageExpression":"'n is ' + string(self.n) + ', limit 3'","message":"static"},
                {"rule":"self.n < 2","messageExpression":"self.missing","message":"fallback when it fails"},
                {"rule":"self.n < 1","messageExpression":"self.n","message":"fallback when not a string"},
                {"rule":"self.n < 0","messageExpression":"'  '"}]}}
            """);

        var errors = schema.Validate(Object("""{"spec":{"n":4}}"""), null);

        Assert.Equal(
        [
            "spec: Invalid value: \"object\": n is 4, limit 3",
            "spec: Invalid value: \"object\": fallback when it fails",
            "spec: Invalid value: \"object\": fallback when not a string",
            "spec: Invalid value: \"object\": failed rule: self.n < 0",
        ], Texts(errors));
    }

    [Theory]
    [InlineData("self.s > 1", "spec: Invalid value: \"object\": 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: self.s > 1")]
    [InlineData("self.m['x'] == 'y'", "spec: Invalid value: \"object\": no such key evaluating rule: self.m['x'] == 'y'")]
    [InlineData("self.n / 0 == 1", "spec: Invalid value: \"object\": division by zero evaluating rule: self.n / 0 == 1")]
    [InlineData("self.l[3] == 1", "spec: Invalid value: \"object\": index out of bounds evaluating rule: self.l[3] == 1")]
    [InlineData("self.s.charAt(9) == 'x'", "spec: Invalid value: \"object\": index out of range: 9 evaluating rule: self.s.charAt(9) == 'x'")]
    public void RuntimeErrors_AreReportedWithTheRule(string rule, string expected)
    {
        var properties = """
            {"spec":{"type":"object","x-kubernetes-validations":[{"rule":"RULE"}],
              "properties":{"s":{"type":"string"},"n":{"type":"integer"},"l":{"type":"array","items":{"type":"integer"}},"m":{"type":"object","additionalProperties":{"type":"string"}}}}}
            """;
        var schema = RootSchema(properties.Replace("RULE", rule, StringComparison.Ordinal));

        Assert.Equal([expected], Texts(schema.Validate(Object("""{"spec":{"s":"a","n":1,"l":[1],"m":{}}}"""), null)));
    }

    [Fact]
    public void NullValues_AreNotValidatedByTheirOwnRules()
    {
        var schema = RootSchema("""{"s":{"type":"string","nullable":true,"x-kubernetes-validations":[{"rule":"self.size() > 100"}]}}""");

        Assert.Empty(schema.Validate(Object("""{"s":null}"""), null));
        Assert.Single(schema.Validate(Object("""{"s":"short"}"""), null));
    }

    [Fact]
    public void TransitionRules_OnMapListItems_RunOnlyForItemsThatExistedByKey()
    {
        var schema = RootSchema("""
            {"ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}},
                "x-kubernetes-validations":[{"rule":"self.port == oldSelf.port","message":"port is immutable"}]}}}
            """);
        var old = Object("""{"ports":[{"name":"http","port":80},{"name":"https","port":443}]}""");

        var errors = schema.Validate(Object("""{"ports":[{"name":"https","port":8443},{"name":"metrics","port":9090},{"name":"http","port":80}]}"""), old);

        Assert.Equal(["ports[0]: Invalid value: \"object\": port is immutable"], Texts(errors));
    }

    [Fact]
    public void OptionalOldSelf_LetsATransitionRuleRunOnCreate()
    {
        var schema = RootSchema("""
            {"spec":{"type":"object","properties":{"replicas":{"type":"integer"}},"x-kubernetes-validations":[
              {"rule":"!oldSelf.hasValue() || self.replicas >= oldSelf.value().replicas","optionalOldSelf":true,"message":"may only grow"},
              {"rule":"oldSelf.hasValue() || self.replicas <= 3","optionalOldSelf":true,"message":"start small"}]}}
            """);

        Assert.Equal(["spec: Invalid value: \"object\": start small"], Texts(schema.Validate(Object("""{"spec":{"replicas":5}}"""), null)));
        Assert.Equal(["spec: Invalid value: \"object\": may only grow"], Texts(schema.Validate(Object("""{"spec":{"replicas":2}}"""), Object("""{"spec":{"replicas":3}}"""))));
        Assert.Empty(schema.Validate(Object("""{"spec":{"replicas":9}}"""), Object("""{"spec":{"replicas":3}}""")));
    }

    [Fact]
    public void ImmutabilityOfASetList_IgnoresOrder()
    {
        var schema = RootSchema("""{"zones":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"},"x-kubernetes-validations":[{"rule":"self == oldSelf","message":"immutable"}]}}""");
        var old = Object("""{"zones":["a","b"]}""");

        Assert.Empty(schema.Validate(Object("""{"zones":["b","a"]}"""), old));
        Assert.Equal(["zones: Invalid value: \"array\": immutable"], Texts(schema.Validate(Object("""{"zones":["a","c"]}"""), old)));
    }

    [Fact]
    public void Ratcheting_SkipsFailingRulesOnUnchangedValuesButNotTransitionRules()
    {
        var schema = RootSchema("""
            {"a":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('x')","message":"must start with x"}]},
             "b":{"type":"string","x-kubernetes-validations":[{"rule":"self.startsWith('x')","message":"must start with x"},{"rule":"self == oldSelf","message":"immutable"}]}}
            """);
        var old = Object("""{"a":"legacy","b":"legacy"}""");

        Assert.Empty(schema.Validate(Object("""{"a":"legacy","b":"legacy"}"""), old));
        Assert.Equal(
            ["b: Invalid value: \"string\": must start with x", "b: Invalid value: \"string\": immutable"],
            Texts(schema.Validate(Object("""{"a":"legacy","b":"changed"}"""), old)));
        Assert.Equal(["a: Invalid value: \"string\": must start with x"], Texts(schema.Validate(Object("""{"a":"legacy"}"""), null)));
    }

    [Fact]
    public void RulesOnMetadataNameAndTheRoot_SeeTheName()
    {
        var schema = CustomResourceSchema.FromOpenApiV3(Object("""
            {"type":"object","x-kubernetes-validations":[{"rule":"self.metadata.name.startsWith(self.spec.prefix)","messageExpression":"'name must start with ' + self.spec.prefix"}],
             "properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","x-kubernetes-validations":[{"rule":"self.size() <= 10","message":"name too long"}]}}},
               "spec":{"type":"object","properties":{"prefix":{"type":"string"}}}}}
            """));

        var errors = schema.Validate(Object("""{"apiVersion":"a.io/v1","kind":"A","metadata":{"name":"other-name-x","namespace":"n"},"spec":{"prefix":"db-"}}"""), null);

        Assert.Equal(["<nil>: Invalid value: \"object\": name must start with db-", "metadata.name: Invalid value: \"string\": name too long"], Texts(errors));
    }
}
