using ZkSync.LocalCluster.Kubelet;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class ImageStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("image-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Resolve_MatchesAMappingAsWrittenOrNormalised_AndReadsItsImageJson()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "image.json"), """{"entrypoint": ["/bin/zkrsync"], "cmd": ["--help"], "workingDir": "/work"}""");
        var store = new ImageStore([new ImageMapping("zkrsync", _directory)]);

        foreach (var reference in new[] { "zkrsync", "zkrsync:latest", "docker.io/library/zkrsync" })
        {
            var image = await store.ResolveAsync(reference, CancellationToken.None);
            Assert.Equal(_directory, image.Directory);
            Assert.Equal(["/bin/zkrsync"], image.Config.Entrypoint);
            Assert.Equal(["--help"], image.Config.Cmd);
            Assert.Equal("/work", image.Config.WorkingDir);
            Assert.StartsWith("docker.io/library/zkrsync@sha256:", image.ImageId, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Resolve_OfAnUnmappedImageOrAnotherTag_FailsWithErrImagePull()
    {
        var store = new ImageStore([new ImageMapping("zkrsync:1", _directory)]);

        var error = await Assert.ThrowsAsync<ImagePullException>(() => store.ResolveAsync("zkrsync:2", CancellationToken.None));
        Assert.Equal("ErrImagePull", error.Reason);
        Assert.Contains("docker.io/library/zkrsync:2", error.Message, StringComparison.Ordinal);
        Assert.Contains("--image zkrsync:2=DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WithAnInvalidImageJson_FailsWithErrImagePullNamingTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "image.json"), """{"entrypoint": "not a list"}""");
        var store = new ImageStore([new ImageMapping("broken", _directory)]);

        var error = await Assert.ThrowsAsync<ImagePullException>(() => store.ResolveAsync("broken", CancellationToken.None));
        Assert.Equal("ErrImagePull", error.Reason);
        Assert.Contains("image.json", error.Message, StringComparison.Ordinal);
    }
}
