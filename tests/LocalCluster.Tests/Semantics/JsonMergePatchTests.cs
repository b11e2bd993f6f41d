using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;
using static ZkSync.LocalCluster.Tests.Semantics.SchemaTesting;

namespace ZkSync.LocalCluster.Tests.Semantics;

/// <summary>JSON merge patch, with the examples of RFC 7386 appendix A.</summary>
public sealed class JsonMergePatchTests
{
    public static TheoryData<string, string, string> Rfc7386AppendixA() => new()
    {
        { """{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""" },
        { """{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""" },
        { """{"a":"b"}""", """{"a":null}""", """{}""" },
        { """{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""" },
        { """{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""" },
        { """{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""" },
        { """{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""" },
        { """{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""" },
        { """["a","b"]""", """["c","d"]""", """["c","d"]""" },
        { """{"a":"b"}""", """["c"]""", """["c"]""" },
        { """{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""" },
        { """[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""" },
        { """{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""" },
    };

    [Theory]
    [MemberData(nameof(Rfc7386AppendixA))]
    public void ApplyMergePatch_GivesTheRfcResult(string original, string patch, string expected)
    {
        var result = Patches.ApplyMergePatch(Json(original), Json(patch));

        Assert.True(JsonNode.DeepEquals(Json(expected), result), result.ToJsonString());
    }

    [Fact]
    public void ApplyMergePatch_LeavesTheOriginalUntouchedAndKeepsFieldOrder()
    {
        var original = Json("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"n":1}}""");

        var result = Patches.ApplyMergePatch(original, Json("""{"metadata":{"labels":{"y":"2"}},"spec":{"n":2}}"""));

        Assert.Equal("""{"metadata":{"name":"a","labels":{"x":"1","y":"2"}},"spec":{"n":2}}""", result.ToJsonString());
        Assert.Equal("""{"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"n":1}}""", original.ToJsonString());
    }
}
