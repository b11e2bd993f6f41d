using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class LabelSelectorTests
{
    private static readonly JsonObject Labels = new() { ["app"] = "web", ["tier"] = "backend", ["replicas"] = "3" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app in (web, api)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("missing!=x", true)]
    [InlineData("replicas>2,replicas<4", true)]
    [InlineData("app=web,tier in (frontend)", false)]
    [InlineData("", true)]
    public void Parse_ThenMatch_FollowsTheLabelsPackage(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Fact]
    public void FromObject_CombinesMatchLabelsAndExpressions()
    {
        var selector = LabelSelector.FromObject(JsonNode.Parse("""
            {"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["backend"]},{"key":"gone","operator":"DoesNotExist"}]}
            """)!.AsObject());
        Assert.True(selector.Matches(Labels));
        Assert.False(selector.Matches(new JsonObject { ["app"] = "web" }));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("replicas>x")]
    [InlineData("a=b,,c")]
    public void Parse_Malformed_IsABadRequest(string selector)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal((400, "BadRequest"), (error.Code, error.Reason));
    }
}
