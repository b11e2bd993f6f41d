using System.Text.Json.Nodes;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class MergePatchTests
{
    [Fact]
    public void Diff_OfEqualObjects_IsNull() =>
        Assert.Null(MergePatch.Diff(Obj("""{"a":1,"b":{"c":[1,2]}}"""), Obj("""{"b":{"c":[1,2]},"a":1}""")));

    [Fact]
    public void Diff_SetsChangedValues_NullsRemovedOnes_AndRecursesIntoObjects()
    {
        var patch = MergePatch.Diff(Obj("""{"a":1,"gone":"x","b":{"c":1,"d":2},"l":[1]}"""), Obj("""{"a":2,"b":{"c":1,"d":3},"l":[1,2],"n":"new"}"""));

        Assert.True(JsonNode.DeepEquals(Obj("""{"a":2,"b":{"d":3},"l":[1,2],"n":"new","gone":null}"""), patch), patch?.ToJsonString());
    }

    [Fact]
    public void Diff_FromNothing_IsTheWholeObject() =>
        Assert.True(JsonNode.DeepEquals(Obj("""{"a":{"b":1}}"""), MergePatch.Diff(null, Obj("""{"a":{"b":1}}"""))));

    [Fact]
    public void Diff_AppliedAsAMergePatch_GivesTheDesiredObject()
    {
        var current = Obj("""{"phase":"Running","paths":{"total":3,"failed":1},"eta":"1m0s","conditions":[{"type":"Ready"}]}""");
        var desired = Obj("""{"phase":"Succeeded","paths":{"total":3},"conditions":[{"type":"Ready","status":"True"}]}""");

        var patched = Apply(current, MergePatch.Diff(current, desired)!);

        Assert.True(JsonNode.DeepEquals(desired, patched), patched.ToJsonString());
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    // RFC 7386's MergePatch(target, patch), as the API server applies it.
    private static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        var result = target.DeepClone().AsObject();
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else if (value is JsonObject nested)
            {
                result[name] = Apply(result[name] as JsonObject ?? [], nested);
            }
            else
            {
                result[name] = value.DeepClone();
            }
        }

        return result;
    }
}
