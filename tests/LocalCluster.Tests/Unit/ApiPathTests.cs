using ZkSync.LocalCluster.Http;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class ApiPathTests
{
    [Theory]
    [InlineData("/api/v1/pods", "", "v1", null, "pods", "", "")]
    [InlineData("/api/v1/namespaces/ns1/pods/p/log", "", "v1", "ns1", "pods", "p", "log")]
    [InlineData("/api/v1/namespaces/ns1", "", "v1", null, "namespaces", "ns1", "")]
    [InlineData("/api/v1/namespaces/ns1/status", "", "v1", null, "namespaces", "ns1", "status")]
    [InlineData("/api/v1/namespaces/ns1/finalize", "", "v1", null, "namespaces", "ns1", "finalize")]
    [InlineData("/apis/apps/v1/namespaces/ns1/deployments/d/scale", "apps", "v1", "ns1", "deployments", "d", "scale")]
    [InlineData("/apis/example.com/v1/widgets", "example.com", "v1", null, "widgets", "", "")]
    public void Parse_SplitsLikeTheRequestInfoFactory(string path, string group, string version, string? ns, string resource, string name, string subresource)
    {
        var parsed = ApiPath.Parse(path);
        Assert.True(parsed.IsResource);
        Assert.Equal((group, version, ns, resource, name, subresource),
            (parsed.Group, parsed.Version, parsed.Namespace, parsed.Resource, parsed.Name, parsed.Subresource));
    }

    [Fact]
    public void Parse_LegacyWatchPrefix_MarksAWatch()
    {
        var parsed = ApiPath.Parse("/api/v1/watch/namespaces/ns1/configmaps");
        Assert.True(parsed.LegacyWatch);
        Assert.Equal(("ns1", "configmaps"), (parsed.Namespace, parsed.Resource));
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("/apis")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/version")]
    public void Parse_DiscoveryAndOtherPaths_AreNotResourceRequests(string path) => Assert.False(ApiPath.Parse(path).IsResource);
}
