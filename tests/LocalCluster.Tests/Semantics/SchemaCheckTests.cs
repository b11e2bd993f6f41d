using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// Schemas the real apiextensions-apiserver refuses in a CRD, with its messages: structural rules
/// (pkg/apiserver/schema/validation.go, complete.go), the CRD schema rules (pkg/apis/apiextensions/validation),
/// validation rules that do not compile, and defaults that are unpruned or invalid (defaulting/validation.go).
/// The server puts "spec.versions[i].schema." before each path.
/// </summary>
public sealed class SchemaCheckTests
{
    public static TheoryData<string, string> Refused() => new()
    {
        { """{"properties":{}}""", "openAPIV3Schema.type: Required value: must not be empty at the root" },
        { """{"type":"string"}""", "openAPIV3Schema.type: Invalid value: \"string\": must be object at the root" },
        { """{"type":"object","properties":{"spec":{}}}""", "openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields" },
        { """{"type":"object","properties":{"list":{"type":"array","items":{}}}}""", "openAPIV3Schema.properties[list].items.type: Required value: must not be empty for specified array items" },
        { """{"type":"object","properties":{"list":{"type":"array"}}}""", "openAPIV3Schema.properties[list].items: Required value: must be specified" },
        { """{"type":"object","additionalProperties":{"type":"string"}}""", "openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root" },
        { """{"type":"object","properties":{"metadata":{"type":"object","properties":{"labels":{"type":"object"}}}}}""", "openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified" },
        { """{"type":"object","properties":{"a":{"type":"string","allOf":[{"type":"string"}]}}}""", "openAPIV3Schema.properties[a].allOf[0].type: Forbidden: must be empty to be structural" },
        { """{"type":"object","properties":{"a":{"type":"string","anyOf":[{"nullable":true}]}}}""", "openAPIV3Schema.properties[a].anyOf[0].nullable: Forbidden: must be false to be structural" },
        { """{"type":"object","properties":{"a":{"type":"object","allOf":[{"properties":{"metadata":{}}}],"properties":{"metadata":{"type":"object"}}}}}""", "openAPIV3Schema.properties[a].allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context" },
        { """{"type":"object","allOf":[{"properties":{"foo":{"minLength":1}}}]}""", "openAPIV3Schema.properties[foo]: Required value: because it is defined in openAPIV3Schema.allOf[0].properties[foo]" },
        { """{"type":"object","properties":{"x":{"type":"object","x-kubernetes-embedded-resource":true}}}""", "openAPIV3Schema.properties[x].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields" },
        { """{"type":"object","properties":{"x":{"x-kubernetes-int-or-string":true,"x-kubernetes-preserve-unknown-fields":true}}}""", "openAPIV3Schema.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true" },
        { """{"type":"object","properties":{"x":{"type":"array","uniqueItems":true,"items":{"type":"string"}}}}""", "openAPIV3Schema.properties[x].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic" },
        { """{"type":"object","properties":{"x":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}}}""", "openAPIV3Schema.properties[x].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive" },
        { """{"type":"object","properties":{"x":{"$ref":"#/definitions/y"}}}""", "openAPIV3Schema.properties[x].$ref: Forbidden: $ref is not supported" },
        { """{"type":"object","properties":{"x":{"type":"null"}}}""", "openAPIV3Schema.properties[x].type: Forbidden: type cannot be set to null, use nullable as an alternative" },
        { """{"type":"object","properties":{"x":{"type":"float"}}}""", "openAPIV3Schema.properties[x].type: Unsupported value: \"float\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"" },
        { """{"type":"object","properties":{"x":{"type":"array","x-kubernetes-list-type":"map","items":{"type":"object","properties":{"k":{"type":"string"}}}}}}""", "openAPIV3Schema.properties[x].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map" },
        { """{"type":"object","properties":{"x":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],"items":{"type":"object","properties":{"k":{"type":"string"}}}}}}""", "openAPIV3Schema.properties[x].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property" },
        { """{"type":"object","properties":{"x":{"type":"array","x-kubernetes-list-type":"list","items":{"type":"string"}}}}""", "openAPIV3Schema.properties[x].x-kubernetes-list-type: Unsupported value: \"list\": supported values: \"atomic\", \"set\", \"map\"" },
        { """{"type":"object","properties":{"x":{"type":"string","x-kubernetes-list-type":"set"}}}""", "openAPIV3Schema.properties[x].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified" },
        { """{"type":"object","properties":{"x":{"type":"boolean","x-kubernetes-preserve-unknown-fields":false}}}""", "openAPIV3Schema.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined" },
        { """{"type":"object","nullable":true}""", "openAPIV3Schema.nullable: Forbidden: nullable cannot be true at the root" },
        { """{"type":"object","x-kubernetes-validations":[{"rule":" "}]}""", "openAPIV3Schema.x-kubernetes-validations[0].rule: Required value: rule is not specified" },
        { """{"type":"object","x-kubernetes-validations":[{"rule":"true","reason":"FieldValueTooLong"}]}""", "openAPIV3Schema.x-kubernetes-validations[0].reason: Unsupported value: \"FieldValueTooLong\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"" },
        { """{"type":"object","x-kubernetes-validations":[{"rule":"self.a\n.size() > 0"}],"properties":{"a":{"type":"string"}}}""", "openAPIV3Schema.x-kubernetes-validations[0].message: Required value: message must be specified if rule contains line breaks" },
        { """{"type":"object","x-kubernetes-validations":[{"rule":"true","fieldPath":".nope"}],"properties":{"a":{"type":"string"}}}""", "openAPIV3Schema.x-kubernetes-validations[0].fieldPath: Invalid value: \".nope\": fieldPath must be a valid path" },
        { """{"type":"object","properties":{"a":{"type":"string"}},"x-kubernetes-validations":[{"rule":"self.b == 'x'"}]}""", "openAPIV3Schema.x-kubernetes-validations[0].rule: Invalid value: \"self.b == 'x'\": compilation failed: undefined field 'b'" },
        { """{"type":"object","properties":{"list":{"type":"array","items":{"type":"string","x-kubernetes-validations":[{"rule":"self == oldSelf"}]}}}}""", "openAPIV3Schema.properties[list].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used on the uncorrelatable portion of the schema within openAPIV3Schema.properties[list]" },
        { """{"type":"object","x-kubernetes-validations":[{"rule":"true","optionalOldSelf":true}]}""", "openAPIV3Schema.x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule" },
        { """{"type":"object","properties":{"a":{"type":"object","default":{"b":1},"properties":{}}}}""", "openAPIV3Schema.properties[a].default: Invalid value: map[string]interface {}{\"b\":1}: must not have unknown fields" },
        { """{"type":"object","properties":{"n":{"type":"integer","minimum":1,"default":0}}}""", "openAPIV3Schema.properties[n].default: Invalid value: 0:  in body should be greater than or equal to 1" },
        { """{"type":"object","properties":{"n":{"type":"integer","default":3,"x-kubernetes-validations":[{"rule":"self > 5"}]}}}""", "openAPIV3Schema.properties[n].default: Invalid value: \"integer\": failed rule: self > 5" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void FromOpenApiV3_ASchemaTheServerRefuses_ThrowsWithItsError(string schema, string expected)
    {
        var error = Assert.Throws<SchemaException>(() => CustomResourceSchema.FromOpenApiV3(Object(schema)));

        Assert.True(error.Errors.Select(e => e.ToString()).Contains(expected), string.Join(" | ", error.Errors));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"spec":{"type":"string","pattern":"([a-z"}}}""", "openAPIV3Schema.properties[spec].pattern: Invalid value: \"([a-z\": must be a valid regular expression, but isn't: ")]
    [InlineData("""{"type":"object","x-kubernetes-validations":[{"rule":"self.a ==="}],"properties":{"a":{"type":"string"}}}""", "openAPIV3Schema.x-kubernetes-validations[0].rule: Invalid value: \"self.a ===\": compilation failed: ")]
    [InlineData("""{"type":"object","properties":{"s":{"type":"string","pattern":"(?<=a)b"}}}""", "openAPIV3Schema.properties[s].pattern: Invalid value: \"(?<=a)b\": must be a valid regular expression, but isn't: ")]
    public void FromOpenApiV3_AnExpressionThatDoesNotCompile_IsRefused(string schema, string expectedPrefix)
    {
        var error = Assert.Throws<SchemaException>(() => CustomResourceSchema.FromOpenApiV3(Object(schema)));

        Assert.StartsWith(expectedPrefix, Assert.Single(error.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"object","x-kubernetes-preserve-unknown-fields":true}""")]
    [InlineData("""{"type":"object","properties":{"metadata":{"type":"object","properties":{"name":{"type":"string","maxLength":40}}}}}""")]
    [InlineData("""{"type":"object","properties":{"q":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}],"pattern":"^[0-9]+%?$"}}}""")]
    [InlineData("""{"type":"object","properties":{"q":{"x-kubernetes-int-or-string":true,"allOf":[{"anyOf":[{"type":"integer"},{"type":"string"}]},{"pattern":"^x"}]}}}""")]
    [InlineData("""{"type":"object","properties":{"free":{"x-kubernetes-preserve-unknown-fields":true}}}""")]
    [InlineData("""{"type":"object","properties":{"m":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],"items":{"type":"object","required":["k"],"properties":{"k":{"type":"string"}},"x-kubernetes-validations":[{"rule":"self == oldSelf"}]}}}}""")]
    public void FromOpenApiV3_AStructuralSchema_IsAccepted(string schema)
    {
        Assert.NotNull(CustomResourceSchema.FromOpenApiV3(Object(schema)));
    }
}
