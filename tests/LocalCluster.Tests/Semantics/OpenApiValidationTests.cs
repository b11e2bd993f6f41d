using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// One keyword at a time, the errors kube-apiserver returns for a custom resource field: kube-openapi's messages
/// (validation/errors/schema.go, validate/*.go) turned into field errors by apiextensions-apiserver
/// (apiserver/validation/validation.go), on the data types the server decodes (int64, float64).
/// </summary>
public sealed class OpenApiValidationTests
{
    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { """{"type":"integer"}""", "\"1\"", ["spec.x: Invalid value: \"string\": spec.x in body must be of type integer: \"string\""] },
        { """{"type":"integer"}""", "1.0", [] },
        { """{"type":"integer"}""", "1.5", ["spec.x: Invalid value: \"number\": spec.x in body must be of type integer: \"number\""] },
        { """{"type":"number"}""", "1", [] },
        { """{"type":"string"}""", "{}", ["spec.x: Invalid value: \"object\": spec.x in body must be of type string: \"object\""] },
        { """{"type":"boolean"}""", "\"true\"", ["spec.x: Invalid value: \"string\": spec.x in body must be of type boolean: \"string\""] },
        { """{"type":"array","items":{"type":"string"}}""", "\"a\"", ["spec.x: Invalid value: \"string\": spec.x in body must be of type array: \"string\""] },
        { """{"type":"object"}""", "[]", ["spec.x: Invalid value: \"array\": spec.x in body must be of type object: \"array\""] },
        { """{"type":"string"}""", "null", ["spec.x: Invalid value: \"null\": spec.x in body must be of type string: \"null\""] },
        { """{"type":"string","nullable":true}""", "null", [] },
        { """{"type":"string","enum":["a","b"]}""", "\"c\"", ["spec.x: Unsupported value: \"c\": supported values: \"a\", \"b\""] },
        { """{"type":"integer","enum":[1,2]}""", "3", ["spec.x: Unsupported value: 3: supported values: \"1\", \"2\""] },
        { """{"type":"number","enum":[1,2.5]}""", "2.5", [] },
        { """{"type":"string","nullable":true,"enum":["a"]}""", "null", ["spec.x: Unsupported value: \"null\": supported values: \"a\""] },
        { """{"type":"integer","minimum":1}""", "0", ["spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1"] },
        { """{"type":"integer","minimum":1,"exclusiveMinimum":true}""", "1", ["spec.x: Invalid value: 1: spec.x in body should be greater than 1"] },
        { """{"type":"integer","maximum":10}""", "11", ["spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10"] },
        { """{"type":"integer","maximum":10,"exclusiveMaximum":true}""", "10", ["spec.x: Invalid value: 10: spec.x in body should be less than 10"] },
        { """{"type":"integer","maximum":2147483647}""", "2147483648", ["spec.x: Invalid value: 2147483648: spec.x in body should be less than or equal to 2147483647"] },
        { """{"type":"number","minimum":0.5}""", "0.25", ["spec.x: Invalid value: 0.25: spec.x in body should be greater than or equal to 0.5"] },
        { """{"type":"number","maximum":1000000}""", "2000000.5", ["spec.x: Invalid value: 2.0000005e+06: spec.x in body should be less than or equal to 1e+06"] },
        // kube-openapi compares an int64 with the bound cut to int64: 1 is not below int64(1.5).
        { """{"type":"integer","minimum":1.5}""", "1", [] },
        { """{"type":"integer","multipleOf":5}""", "12", ["spec.x: Invalid value: 12: spec.x in body should be a multiple of 5"] },
        { """{"type":"number","multipleOf":0.5}""", "1.25", ["spec.x: Invalid value: 1.25: spec.x in body should be a multiple of 0.5"] },
        { """{"type":"number","multipleOf":0.5}""", "1.5", [] },
        { """{"type":"integer","minimum":0,"maximum":10,"multipleOf":3}""", "11", ["spec.x: Invalid value: 11: spec.x in body should be a multiple of 3", "spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10"] },
        { """{"type":"string","maxLength":3}""", "\"abcd\"", ["spec.x: Too long: may not be more than 3 bytes"] },
        { """{"type":"string","maxLength":3}""", "\"äöü\"", [] },
        { """{"type":"string","minLength":2}""", "\"a\"", ["spec.x: Invalid value: \"a\": spec.x in body should be at least 2 chars long"] },
        { """{"type":"string","maxLength":1,"pattern":"^b$"}""", "\"aa\"", ["spec.x: Too long: may not be more than 1 bytes"] },
        { """{"type":"string","pattern":"^[a-z]+$"}""", "\"a1\"", ["spec.x: Invalid value: \"a1\": spec.x in body should match '^[a-z]+$'"] },
        { """{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\\n\"", ["spec.x: Invalid value: \"abc\\n\": spec.x in body should match '^[a-z]+$'"] },
        { """{"type":"string","pattern":"^\\d+$"}""", "\"١٢\"", ["spec.x: Invalid value: \"١٢\": spec.x in body should match '^\\d+$'"] },
        { """{"type":"string","pattern":"[[:upper:]]"}""", "\"aB\"", [] },
        { """{"type":"array","minItems":1,"items":{"type":"string"}}""", "[]", ["spec.x: Invalid value: 0: spec.x in body should have at least 1 items"] },
        { """{"type":"array","maxItems":1,"items":{"type":"string"}}""", "[\"a\",\"b\"]", ["spec.x: Too many: 2: must have at most 1 items"] },
        { """{"type":"array","items":{"type":"integer","minimum":0}}""", "[1,-1]", ["spec.x[1]: Invalid value: -1: spec.x[1] in body should be greater than or equal to 0"] },
        { """{"type":"object","minProperties":1}""", "{}", ["spec.x: Invalid value: 0: spec.x in body should have at least 1 properties"] },
        { """{"type":"object","maxProperties":1,"additionalProperties":{"type":"string"}}""", """{"a":"1","b":"2"}""", ["spec.x: Too many: 2: must have at most 1 items"] },
        { """{"type":"object","additionalProperties":{"type":"integer"}}""", """{"a":"1"}""", ["spec.x.a: Invalid value: \"string\": spec.x.a in body must be of type integer: \"string\""] },
        { """{"type":"object","required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"string"}}}""", "{}", ["spec.x.a: Required value", "spec.x.b: Required value"] },
        { """{"type":"string","format":"date-time"}""", "\"2024-01-02T03:04:05Z\"", [] },
        { """{"type":"string","format":"date-time"}""", "\"2024-01-02 03:04:05\"", ["spec.x: Invalid value: \"2024-01-02 03:04:05\": spec.x in body must be of type date-time: \"2024-01-02 03:04:05\""] },
        { """{"type":"string","format":"date"}""", "\"2024-02-30\"", ["spec.x: Invalid value: \"2024-02-30\": spec.x in body must be of type date: \"2024-02-30\""] },
        { """{"type":"string","format":"duration"}""", "\"1h30m\"", [] },
        { """{"type":"string","format":"duration"}""", "\"3 days\"", [] },
        { """{"type":"string","format":"duration"}""", "\"soon\"", ["spec.x: Invalid value: \"soon\": spec.x in body must be of type duration: \"soon\""] },
        { """{"type":"string","format":"uri"}""", "\"https://example.com/x?y=1\"", [] },
        { """{"type":"string","format":"uri"}""", "\"example.com\"", ["spec.x: Invalid value: \"example.com\": spec.x in body must be of type uri: \"example.com\""] },
        { """{"type":"string","format":"hostname"}""", "\"-bad\"", ["spec.x: Invalid value: \"-bad\": spec.x in body must be of type hostname: \"-bad\""] },
        { """{"type":"string","format":"ipv4"}""", "\"10.0.0.256\"", ["spec.x: Invalid value: \"10.0.0.256\": spec.x in body must be of type ipv4: \"10.0.0.256\""] },
        { """{"type":"string","format":"ipv6"}""", "\"fd00::1\"", [] },
        { """{"type":"string","format":"cidr"}""", "\"10.0.0.0/33\"", ["spec.x: Invalid value: \"10.0.0.0/33\": spec.x in body must be of type cidr: \"10.0.0.0/33\""] },
        { """{"type":"string","format":"uuid"}""", "\"not-a-uuid\"", ["spec.x: Invalid value: \"not-a-uuid\": spec.x in body must be of type uuid: \"not-a-uuid\""] },
        { """{"type":"string","format":"byte"}""", "\"YWJj\"", [] },
        { """{"type":"string","format":"email"}""", "\"nobody\"", ["spec.x: Invalid value: \"nobody\": spec.x in body must be of type email: \"nobody\""] },
        // The server strips the formats it does not check (int32, int64, ...) before validating.
        { """{"type":"integer","format":"int32"}""", "4294967296", [] },
        { """{"type":"string","format":"fancy"}""", "\"x\"", [] },
        { """{"x-kubernetes-int-or-string":true}""", "true", ["spec.x: Invalid value: \"boolean\": spec.x in body must be of type integer,string: \"boolean\""] },
        {
            """{"type":"string","allOf":[{"minLength":2},{"pattern":"^a"}]}""", "\"b\"",
            [
                "spec.x: Invalid value: \"b\": spec.x in body should be at least 2 chars long",
                "spec.x: Invalid value: \"b\": spec.x in body should match '^a'",
                "<nil>: Invalid value: \"\": \"spec.x\" must validate all the schemas (allOf). None validated",
            ]
        },
        {
            """{"type":"string","oneOf":[{"pattern":"^a"},{"pattern":"b$"}]}""", "\"ab\"",
            ["<nil>: Invalid value: \"\": \"spec.x\" must validate one and only one schema (oneOf). Found 2 valid alternatives"]
        },
        {
            """{"type":"string","not":{"pattern":"^a"}}""", "\"ab\"",
            ["<nil>: Invalid value: \"\": \"spec.x\" must not validate the schema (not)"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_OneKeyword_GivesTheServersErrors(string fieldSchema, string value, string[] expected)
    {
        var schema = RootSchema("""{"spec":{"type":"object","properties":{"x":""" + fieldSchema + "}}}");

        var errors = schema.Validate(Object("""{"spec":{"x":""" + value + "}}"), null);

        var actual = Texts(errors).Where(e => !e.Contains("some validation rules were not checked", StringComparison.Ordinal)).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{fieldSchema} {value}: {string.Join(" | ", actual)}");
    }

    [Fact]
    public void Validate_OnlyBlockingErrors_KeepTheCelRulesFromRunning()
    {
        var schema = RootSchema("""{"n":{"type":"integer","minimum":1},"s":{"type":"string","maxLength":1}}""", "self.n > 5");

        Assert.Equal(
            ["n: Invalid value: 0: n in body should be greater than or equal to 1", "<nil>: Invalid value: \"object\": failed rule: self.n > 5"],
            Texts(schema.Validate(Object("""{"n":0}"""), null)));
        Assert.Equal(
            ["s: Too long: may not be more than 1 bytes", "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"],
            Texts(schema.Validate(Object("""{"n":9,"s":"ab"}"""), null)));
    }

    [Fact]
    public void Validate_AnEmbeddedResource_NeedsItsTypeMeta()
    {
        var schema = RootSchema("""{"template":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}""");

        Assert.Equal(
            ["template.apiVersion: Required value: must not be empty", "template.kind: Required value: must not be empty"],
            Texts(schema.Validate(Object("""{"template":{"metadata":{"name":"x"}}}"""), null)));
        Assert.Equal(
            ["template.kind: Invalid value: \"Pod_Thing\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
            Texts(schema.Validate(Object("""{"template":{"apiVersion":"v1","kind":"Pod_Thing"}}"""), null)));
    }
}
