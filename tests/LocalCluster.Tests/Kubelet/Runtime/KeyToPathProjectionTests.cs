using System.Text;
using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class KeyToPathProjectionTests
{
    private static readonly Dictionary<string, byte[]> Data = new()
    {
        ["password"] = Encoding.UTF8.GetBytes("s3cret"),
        ["user"] = Encoding.UTF8.GetBytes("admin"),
    };

    [Fact]
    public void Project_WithoutItemsWritesEveryKeyWithTheDefaultMode()
    {
        var files = KeyToPathProjection.Project("Secret", Data, null, 0x100, optional: false);

        Assert.Equal([("password", 0x100), ("user", 0x100)], files.Select(file => (file.Path, file.Mode ?? -1)));
        Assert.Equal("s3cret", Encoding.UTF8.GetString(files[0].Content.Span));
    }

    [Fact]
    public void Project_WithItemsWritesOnlyThoseAtTheirPathsAndModes()
    {
        var files = KeyToPathProjection.Project("Secret", Data,
            [new V1KeyToPath { Key = "password", Path = "auth/pass", Mode = 0x180 }, new V1KeyToPath { Key = "user", Path = "auth/user" }], 0x1A4, optional: false);

        Assert.Equal([("auth/pass", 0x180), ("auth/user", 0x1A4)], files.Select(file => (file.Path, file.Mode ?? -1)));
    }

    [Fact]
    public void Project_AMissingKeyIsRefusedWithTheKubeletsMessageUnlessOptional()
    {
        V1KeyToPath[] items = [new V1KeyToPath { Key = "missing", Path = "m" }];

        Assert.Equal("references non-existent secret key: missing",
            Assert.Throws<ArgumentException>(() => KeyToPathProjection.Project("Secret", Data, items, 420, optional: false)).Message);
        Assert.Equal("configmap references non-existent config key: missing",
            Assert.Throws<ArgumentException>(() => KeyToPathProjection.Project("ConfigMap", Data, items, 420, optional: false)).Message);
        Assert.Empty(KeyToPathProjection.Project("Secret", Data, items, 420, optional: true));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    public void Project_APathOutOfTheVolumeIsRefused(string path) =>
        Assert.Throws<ArgumentException>(() => KeyToPathProjection.Project("Secret", Data, [new V1KeyToPath { Key = "user", Path = path }], 420, optional: false));
}
