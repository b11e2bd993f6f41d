using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>JSON patch, with the examples of RFC 6902 appendix A and evanphx/json-patch v4's negative indices.</summary>
public sealed class JsonPatchTests
{
    public static TheoryData<string, string, string, string> Rfc6902AppendixA() => new()
    {
        { "A.1 adding an object member", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""" },
        { "A.2 adding an array element", """{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""" },
        { "A.3 removing an object member", """{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""" },
        { "A.4 removing an array element", """{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""" },
        { "A.5 replacing a value", """{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""" },
        { "A.6 moving a value", """{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""" },
        { "A.7 moving an array element", """{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""" },
        { "A.8 testing a value: success", """{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""" },
        { "A.10 adding a nested member object", """{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""" },
        { "A.11 ignoring unrecognized elements", """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""" },
        { "A.14 ~ escape ordering", """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""" },
        { "A.16 adding an array value", """{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""" },
        { "copy", """{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}""" },
        { "whole document replaced", """{"a":1}""", """[{"op":"replace","path":"","value":{"b":2}}]""", """{"b":2}""" },
        { "negative index (evanphx v4)", """{"finalizers":["a","b","c"]}""", """[{"op":"remove","path":"/finalizers/-1"}]""", """{"finalizers":["a","b"]}""" },
        { "test of a number across representations", """{"n":1}""", """[{"op":"test","path":"/n","value":1.0}]""", """{"n":1}""" },
    };

    public static TheoryData<string, string, string> Failures() => new()
    {
        { "A.9 testing a value: error", """{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""" },
        { "A.12 adding to a nonexistent target", """{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""" },
        { "A.15 comparing strings and numbers", """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""" },
        { "removing a missing member", """{"a":1}""", """[{"op":"remove","path":"/b"}]""" },
        { "replacing a missing member", """{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""" },
        { "index out of range", """{"a":[1]}""", """[{"op":"add","path":"/a/5","value":2}]""" },
        { "unknown operation", """{"a":1}""", """[{"op":"frobnicate","path":"/a"}]""" },
        { "moving into itself", """{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""" },
        { "missing value", """{"a":1}""", """[{"op":"add","path":"/b"}]""" },
    };

    [Theory]
    [MemberData(nameof(Rfc6902AppendixA))]
    public void ApplyJsonPatch_GivesTheRfcResult(string example, string original, string operations, string expected)
    {
        var result = Patches.ApplyJsonPatch(Json(original), (JsonArray)Json(operations));

        Assert.True(JsonNode.DeepEquals(Json(expected), result), $"{example}: {result.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void ApplyJsonPatch_ThatCannotApply_ThrowsAPatchException(string example, string original, string operations)
    {
        var error = Assert.Throws<PatchException>(() => Patches.ApplyJsonPatch(Json(original), (JsonArray)Json(operations)));

        Assert.False(string.IsNullOrEmpty(error.Message), example);
    }

    [Fact]
    public void ApplyJsonPatch_AFailingTest_LeavesTheOriginalUntouched()
    {
        var original = Json("""{"metadata":{"resourceVersion":"5"},"spec":{"n":1}}""");
        var operations = (JsonArray)Json("""[{"op":"replace","path":"/spec/n","value":2},{"op":"test","path":"/metadata/resourceVersion","value":"4"}]""");

        var error = Assert.Throws<PatchException>(() => Patches.ApplyJsonPatch(original, operations));

        Assert.Equal("testing value /metadata/resourceVersion failed: test failed", error.Message);
        Assert.Equal(1, original["spec"]!["n"]!.GetValue<int>());
    }
}
