using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// Pruning and defaulting on bare schema nodes, with cases from apiextensions-apiserver's
/// pkg/apiserver/schema/pruning/algorithm_test.go (TestPrune) and defaulting/algorithm_test.go (TestDefault), v0.32.4.
/// Our pruning also does the server's next decoding step, objectmeta.Coerce, which cuts embedded resources' metadata
/// down to ObjectMeta's fields; the embedded cases say so.
/// </summary>
public sealed class PruningAndDefaultingTests
{
    public static TheoryData<string, string, string, string, string[]> PruneCases() => new()
    {
        {
            "object array object",
            """{"array":[{"a":1},{"b":1},{"a":1,"b":2,"c":3}],"unspecified":{"a":1},"specified":{"a":1,"b":2,"c":3}}""",
            """{"properties":{"array":{"items":{"properties":{"a":{},"c":{}}}},"specified":{"properties":{"a":{},"c":{}}}}}""",
            """{"array":[{"a":1},{},{"a":1,"c":3}],"specified":{"a":1,"c":3}}""",
            ["array[1].b", "array[2].b", "specified.b", "unspecified"]
        },
        {
            "nested x-kubernetes-preserve-unknown-fields",
            """
            {"unspecified":"bar","alpha":"abc","beta":42.0,"unspecifiedObject":{"unspecified":"bar"},
             "pruning":{"unspecified":"bar","unspecifiedObject":{"unspecified":"bar"},"pruning":{"unspecified":"bar"},"apiVersion":"unknown","preserving":{"unspecified":"bar"}},
             "preserving":{"unspecified":"bar","unspecifiedObject":{"unspecified":"bar"},"pruning":{"unspecified":"bar"},"preserving":{"unspecified":"bar"},"preservingUnknownType":[{"foo":true},{"bar":true}]},
             "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields":{"foo":{"specified":{"unspecified":"bar"},"unspecified":"bar"}},
             "preservingAdditionalPropertiesKeyPruneValues":{"foo":{"specified":{"unspecified":"bar"},"unspecified":"bar"}}}
            """,
            """
            {"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{
              "alpha":{"type":"string"},"beta":{"type":"number"},
              "pruning":{"type":"object","properties":{"preserving":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"pruning":{"type":"object"}}},
              "preserving":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{
                "preserving":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
                "preservingUnknownType":{"x-kubernetes-preserve-unknown-fields":true},
                "pruning":{"type":"object"}}},
              "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
                "additionalProperties":{"type":"object","properties":{"specified":{"type":"object"}}}},
              "preservingAdditionalPropertiesKeyPruneValues":{"type":"object","additionalProperties":{"type":"object","properties":{"specified":{"type":"object"}}}}}}
            """,
            """
            {"unspecified":"bar","alpha":"abc","beta":42.0,"unspecifiedObject":{"unspecified":"bar"},
             "pruning":{"pruning":{},"preserving":{"unspecified":"bar"}},
             "preserving":{"unspecified":"bar","unspecifiedObject":{"unspecified":"bar"},"pruning":{},"preserving":{"unspecified":"bar"},"preservingUnknownType":[{"foo":true},{"bar":true}]},
             "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields":{"foo":{"specified":{}}},
             "preservingAdditionalPropertiesKeyPruneValues":{"foo":{"specified":{}}}}
            """,
            [
                "preserving.pruning.unspecified", "preservingAdditionalPropertiesKeyPruneValues.foo.specified.unspecified",
                "preservingAdditionalPropertiesKeyPruneValues.foo.unspecified", "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields.foo.specified.unspecified",
                "preservingAdditionalPropertiesNotInheritingXPreserveUnknownFields.foo.unspecified", "pruning.apiVersion", "pruning.pruning.unspecified",
                "pruning.unspecified", "pruning.unspecifiedObject",
            ]
        },
        {
            "additionalProperties with schema",
            """{"a":1,"b":1,"c":{"a":1,"b":2,"c":{"a":1}}}""",
            """{"properties":{"a":{},"c":{"additionalProperties":{"type":"integer"}}}}""",
            """{"a":1,"c":{"a":1,"b":2,"c":{}}}""",
            ["b", "c.c.a"]
        },
        {
            "additionalProperties with bool",
            """{"a":1,"b":1,"c":{"a":1,"b":2,"c":{"a":1,"apiVersion":"unknown"}}}""",
            """{"properties":{"a":{},"c":{"additionalProperties":false}}}""",
            """{"a":1,"c":{"a":1,"b":2,"c":{}}}""",
            ["b", "c.c.a", "c.c.apiVersion"]
        },
        {
            "x-kubernetes-embedded-resource (and objectmeta.Coerce of the embedded metadata)",
            """
            {"apiVersion":"foo/v1","kind":"Foo","metadata":{"name":"instance","unspecified":"bar"},"unspecified":"bar",
             "pruned":{"apiVersion":"foo/v1","kind":"Foo","unspecified":"bar","metadata":{"name":"instance","unspecified":"bar"},"spec":{"unspecified":"bar"}},
             "preserving":{"apiVersion":"foo/v1","kind":"Foo","unspecified":"bar","metadata":{"name":"instance","unspecified":"bar"},"spec":{"unspecified":"bar"}}}
            """,
            """
            {"type":"object","properties":{
              "pruned":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}},
              "preserving":{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}}}
            """,
            """
            {"pruned":{"apiVersion":"foo/v1","kind":"Foo","metadata":{"name":"instance"},"spec":{}},
             "preserving":{"apiVersion":"foo/v1","kind":"Foo","unspecified":"bar","metadata":{"name":"instance"},"spec":{"unspecified":"bar"}}}
            """,
            ["pruned.spec.unspecified", "pruned.unspecified", "unspecified", "pruned.metadata.unspecified", "preserving.metadata.unspecified"]
        },
    };

    public static TheoryData<string, string, string, string> DefaultCases() => new()
    {
        { "scalar", "4", """{"default":"foo"}""", "4" },
        { "scalar array", "[1,2]", """{"items":{"default":"foo"}}""", "[1,2]" },
        {
            "object array",
            """[{"a":1},{"b":1},{"c":1}]""",
            """{"items":{"properties":{"a":{"default":"A"},"b":{"default":"B"},"c":{"default":"C"}}}}""",
            """[{"a":1,"b":"B","c":"C"},{"a":"A","b":1,"c":"C"},{"a":"A","b":"B","c":1}]"""
        },
        {
            "object array object",
            """{"array":[{"a":1},{"b":2}],"object":{"a":1},"additionalProperties":{"x":{"a":1},"y":{"b":2}}}""",
            """
            {"properties":{"array":{"items":{"properties":{"a":{"default":"A"},"b":{"default":"B"}}}},
              "object":{"properties":{"a":{"default":"N"},"b":{"default":"O"}}},
              "additionalProperties":{"additionalProperties":{"properties":{"a":{"default":"alpha"},"b":{"default":"beta"}}}},
              "foo":{"default":"bar"}}}
            """,
            """{"array":[{"a":1,"b":"B"},{"a":"A","b":2}],"object":{"a":1,"b":"O"},"additionalProperties":{"x":{"a":1,"b":"beta"},"y":{"a":"alpha","b":2}},"foo":"bar"}"""
        },
        {
            "empty and null",
            """[{},{"a":1},{"a":0},{"a":0.0},{"a":""},{"a":null},{"a":[]},{"a":{}}]""",
            """{"items":{"properties":{"a":{"default":"A"}}}}""",
            """[{"a":"A"},{"a":1},{"a":0},{"a":0.0},{"a":""},{"a":"A"},{"a":[]},{"a":{}}]"""
        },
        { "null in nullable list", "[null]", """{"nullable":true,"items":{"properties":{"a":{"default":"A"}}}}""", "[null]" },
        { "null in non-nullable list", "[null]", """{"items":{"default":"A"}}""", """["A"]""" },
        { "null in nullable object", """{"a":null}""", """{"properties":{"a":{"nullable":true,"default":"A"}}}""", """{"a":null}""" },
        { "null in non-nullable object", """{"a":null}""", """{"properties":{"a":{"default":"A"}}}""", """{"a":"A"}""" },
        { "null in nullable object with additionalProperties", """{"a":null}""", """{"additionalProperties":{"nullable":true,"default":"A"}}""", """{"a":null}""" },
        { "null in non-nullable object with additionalProperties", """{"a":null}""", """{"additionalProperties":{"default":"A"}}""", """{"a":"A"}""" },
        { "defaults inside a new default", "{}", """{"properties":{"a":{"default":{},"properties":{"b":{"default":{"c":1},"properties":{"c":{},"d":{"default":2}}}}}}}""", """{"a":{"b":{"c":1,"d":2}}}""" },
    };

    [Theory]
    [MemberData(nameof(PruneCases))]
    public void Prune_DropsWhatTheSchemaDoesNotSpecify(string upstreamCase, string value, string schema, string expected, string[] expectedPruned)
    {
        var node = Json(value);

        var pruned = SchemaPruner.Prune(node, SchemaParser.Parse(Object(schema)), isResourceRoot: false, remove: true);

        Assert.True(JsonNode.DeepEquals(Json(expected), node), $"{upstreamCase}: {node.ToJsonString()}");
        Assert.True(expectedPruned.SequenceEqual(pruned), $"{upstreamCase}: {string.Join(", ", pruned)}");
    }

    [Theory]
    [MemberData(nameof(DefaultCases))]
    public void Default_FillsMissingAndNonNullableNullValues(string upstreamCase, string value, string schema, string expected)
    {
        var node = Json(value);

        SchemaDefaulter.Default(node, SchemaParser.Parse(Object(schema)));

        Assert.True(JsonNode.DeepEquals(Json(expected), node), $"{upstreamCase}: {node.ToJsonString()}");
    }

    [Fact]
    public void PruneNonNullableNullsWithoutDefaults_RemovesOnlyThoseNulls()
    {
        var node = Json("""{"a":null,"b":null,"c":null,"d":{"e":null},"f":[null]}""");
        var schema = SchemaParser.Parse(Object("""
            {"properties":{"a":{},"b":{"nullable":true},"c":{"default":"C"},"d":{"properties":{"e":{}}},"f":{"items":{}}}}
            """));

        SchemaDefaulter.PruneNonNullableNullsWithoutDefaults(node, schema);

        Assert.Equal("""{"b":null,"c":null,"d":{},"f":[null]}""", node.ToJsonString());
    }
}
