using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>
/// x-kubernetes-list-type uniqueness, with the cases of apiextensions-apiserver's
/// pkg/apiserver/schema/listtype/validation_test.go (v0.32.4), whose root path is nil here as in the server.
/// </summary>
public sealed class ListTypeTests
{
    public static TheoryData<string, string, string, string[]> Cases() => new()
    {
        {
            "set list with multiple duplicated items",
            """{"array":["a","a","b","c","d","c"]}""",
            """{"type":"object","properties":{"array":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}""",
            ["array[1]: Duplicate value: \"a\"", "array[5]: Duplicate value: \"c\""]
        },
        {
            "normal list with items",
            """{"array":["a","b","a"]}""",
            """{"type":"object","properties":{"array":{"type":"array","items":{"type":"string"}}}}""",
            []
        },
        {
            "set list with items under additionalProperties",
            """{"array":["a","b","a"]}""",
            """{"type":"object","additionalProperties":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}""",
            ["[array][2]: Duplicate value: \"a\""]
        },
        {
            "set list with items under items",
            """{"array":[["a","b","a"],["b","b","a"]]}""",
            """{"type":"object","properties":{"array":{"type":"array","items":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}}""",
            ["array[0][2]: Duplicate value: \"a\"", "array[1][1]: Duplicate value: \"b\""]
        },
        {
            "nested set lists",
            """{"array":["a","b","a",["b","b","a"]]}""",
            """{"type":"object","properties":{"array":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"array","x-kubernetes-list-type":"set"}}}}""",
            ["array[2]: Duplicate value: \"a\"", "array[3][1]: Duplicate value: \"b\""]
        },
        {
            "set list with compound map items",
            """{"array":[{"a":1},{"a":1.0},{"b":[1,2]},{"b":[1,2]},{"b":[2,1]}]}""",
            """{"type":"object","properties":{"array":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"object","x-kubernetes-map-type":"atomic"}}}}""",
            ["array[1]: Duplicate value: map[string]interface {}{\"a\":1}", "array[3]: Duplicate value: map[string]interface {}{\"b\":[]interface {}{1, 2}}"]
        },
        {
            "map list with scalar items",
            """{"strings":["a"],"integers":[1]}""",
            """
            {"type":"object","properties":{
              "strings":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"string"}},
              "integers":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"integer"}}}}
            """,
            ["strings[0]: Invalid value: \"a\": must be an object for an array of list-type map", "integers[0]: Invalid value: 1: must be an object for an array of list-type map"]
        },
        {
            "map list with compound map items",
            """
            {"one key":[{"a":"0","c":"2"},{"a":"1","c":"1"},{"a":"1","c":"2"},{}],
             "two keys":[{"a":"1","b":"1","c":"1"},{"a":"1","b":"2","c":"2"},{"a":"1","b":"2","c":"3"},{}],
             "undefined key":[{"a":"1","b":"1","c":"1"},{"a":"1","c":"2"},{"a":"1","c":"3"},{}],
             "compound key":[{"a":[],"c":"1"},{"a":null,"c":"1"},{"a":["a"],"c":"1"},{"a":["a",42],"c":"2"},{"a":["a",42],"c":["3"]}],
             "nil key":[{"a":[],"c":"1"},{"a":null,"c":"1"},{"c":"1"},{"a":null}],
             "nil item":[null,{"a":"0","c":"1"},{"a":null},{"c":"1"}],
             "multiple duplicates":[{"a":[],"c":"1"},{"a":null,"c":"1"},{"a":["a"],"c":"1"},{"a":["a",42],"c":"2"},{"a":["a",42],"c":["3"]},{"a":["a"],"c":"1","d":"1"},{"a":["a"],"c":"1","d":"2"}]}
            """,
            """
            {"type":"object","properties":{
              "one key":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"object","additionalProperties":{"type":"string"}}},
              "two keys":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a","b"],"items":{"type":"object","additionalProperties":{"type":"string"}}},
              "undefined key":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a","b"],"items":{"type":"object","additionalProperties":{"type":"string"}}},
              "compound key":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"object","additionalProperties":{"nullable":true}}},
              "nil key":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"object","properties":{"a":{"nullable":true},"c":{}}}},
              "nil item":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"object","properties":{"a":{"nullable":true},"c":{}}}},
              "multiple duplicates":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["a"],"items":{"type":"object","additionalProperties":{"nullable":true}}}}}
            """,
            [
                "one key[2]: Duplicate value: map[string]interface {}{\"a\":\"1\"}",
                "two keys[2]: Duplicate value: map[string]interface {}{\"a\":\"1\", \"b\":\"2\"}",
                "undefined key[2]: Duplicate value: map[string]interface {}{\"a\":\"1\"}",
                "compound key[4]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\", 42}}",
                "nil key[3]: Duplicate value: map[string]interface {}{\"a\":interface {}(nil)}",
                "nil item[3]: Duplicate value: map[string]interface {}{}",
                "multiple duplicates[4]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\", 42}}",
                "multiple duplicates[5]: Duplicate value: map[string]interface {}{\"a\":[]interface {}{\"a\"}}",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_ReportsEachRepeatOnceAtItsSecondOccurrence(string upstreamCase, string value, string schema, string[] expected)
    {
        var errors = ListTypeValidator.Validate(Object(value), SchemaParser.Parse(Object(schema)));

        Assert.True(expected.SequenceEqual(Texts(errors)), $"{upstreamCase}: {string.Join(" | ", Texts(errors))}");
    }
}
