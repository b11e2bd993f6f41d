using ZkSync.LocalCluster.Hosting;

namespace ZkSync.LocalCluster.Tests.Unit;

public sealed class LocalClusterArgumentsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cluster-arguments-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Parse_ImagesNodesAndDataDirectory_BecomeTheClusterOptions()
    {
        var arguments = LocalClusterArguments.Parse(
            ["--kubeconfig", "/tmp/k", "--image", $"busybox={_directory}", "--image", $"ghcr.io/me/app:1={_directory}/", "--node", "a", "--node", "b",
             "--data-dir", "/tmp/data", "--port", "6443"]);

        Assert.NotNull(arguments);
        var options = arguments.ToOptions(null);
        Assert.Equal(["busybox", "ghcr.io/me/app:1"], options.Images.Select(i => i.Reference));
        Assert.All(options.Images, image => Assert.Equal(_directory, image.Directory.TrimEnd('/')));
        Assert.Equal(["a", "b"], options.Nodes.Select(n => n.Name));
        Assert.Equal("/tmp/data", options.DataDirectory);
        Assert.Equal(6443, options.ApiServer.Port);
    }

    [Fact]
    public void Parse_WithoutNodes_GivesTheThreeDefaultNodes()
    {
        var options = LocalClusterArguments.Parse(["--kubeconfig", "/tmp/k"])!.ToOptions(null);

        Assert.Equal(["node-1", "node-2", "node-3"], options.Nodes.Select(n => n.Name));
        Assert.Empty(options.Images);
        Assert.Null(options.DataDirectory);
    }

    [Theory]
    [InlineData("busybox", "expected REF=DIR")]
    [InlineData("=/tmp", "expected REF=DIR")]
    [InlineData("busybox=", "expected REF=DIR")]
    [InlineData("busybox=/nonexistent/image/dir", "/nonexistent/image/dir is not a directory")]
    public void Parse_ABadImage_ThrowsAOneLineMessage(string image, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => LocalClusterArguments.Parse(["--kubeconfig", "/tmp/k", "--image", image]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"--image {image}:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData(new[] { "--node", "a", "--node", "a" }, "--node a: node names must be unique")]
    [InlineData(new[] { "--node", "Node_1" }, "--node Node_1: a node name is lower-case letters")]
    [InlineData(new[] { "--node", "" }, "--node : a node name is lower-case letters")]
    public void Parse_ABadNodeName_Throws(string[] nodes, string message) =>
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => LocalClusterArguments.Parse(["--kubeconfig", "k", .. nodes])).Message,
            StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("--image a=/tmp")]
    [InlineData("--kubeconfig")]
    [InlineData("--kubeconfig k --bogus")]
    [InlineData("--kubeconfig k --port http")]
    public void Parse_WithoutKubeconfigOrWithAnUnknownArgument_IsNull(string args) =>
        Assert.Null(LocalClusterArguments.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
}
