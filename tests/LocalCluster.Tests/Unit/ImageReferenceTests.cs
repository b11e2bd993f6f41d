using ZkSync.LocalCluster.Kubelet;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("busybox:1.36", "docker.io/library/busybox:1.36")]
    [InlineData("docker.io/busybox", "docker.io/library/busybox:latest")]
    [InlineData("index.docker.io/library/busybox:1", "docker.io/library/busybox:1")]
    [InlineData("me/app", "docker.io/me/app:latest")]
    [InlineData("ghcr.io/me/app:2", "ghcr.io/me/app:2")]
    [InlineData("localhost/app", "localhost/app:latest")]
    [InlineData("registry:5000/app", "registry:5000/app:latest")]
    [InlineData("ghcr.io/me/app@sha256:abc", "ghcr.io/me/app@sha256:abc")]
    [InlineData("ghcr.io/me/app:2@sha256:abc", "ghcr.io/me/app:2@sha256:abc")]
    public void Normalize_AsContainerRuntimesDo(string reference, string normalized) =>
        Assert.Equal(normalized, ImageReference.Normalize(reference));

    [Theory]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox")]
    [InlineData("registry:5000/app:1", "registry:5000/app")]
    [InlineData("registry:5000/app", "registry:5000/app")]
    [InlineData("ghcr.io/me/app:2@sha256:abc", "ghcr.io/me/app")]
    public void Repository_DropsTagAndDigest(string normalized, string repository) =>
        Assert.Equal(repository, ImageReference.Repository(normalized));
}
