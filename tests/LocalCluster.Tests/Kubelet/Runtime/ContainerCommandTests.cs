using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class ContainerCommandTests
{
    private static readonly ImageConfig Image = new() { Entrypoint = ["/ep-1"], Cmd = ["foo", "bar"] };
    private static readonly KeyValuePair<string, string>[] NoEnvironment = [];

    // The table of "Define a Command and Arguments for a Container" (kubernetes.io/docs/tasks/inject-data-application/
    // define-command-argument-container/#notes), row by row.
    [Theory]
    [InlineData(null, null, "/ep-1 foo bar")]
    [InlineData("/ep-2", null, "/ep-2")]
    [InlineData(null, "zoo boo", "/ep-1 zoo boo")]
    [InlineData("/ep-2", "zoo boo", "/ep-2 zoo boo")]
    public void Combine_FollowsTheKubernetesTable(string? command, string? args, string expected)
    {
        var argv = ContainerCommand.Combine(Image, command?.Split(' '), args?.Split(' '), NoEnvironment);

        Assert.Equal(expected, string.Join(' ', argv));
    }

    [Fact]
    public void Combine_WithEmptyListsTreatsThemAsNotSet()
    {
        var argv = ContainerCommand.Combine(Image, [], [], NoEnvironment);

        Assert.Equal(["/ep-1", "foo", "bar"], argv);
    }

    [Fact]
    public void Combine_WithArgsOnlyAndNoEntrypointRunsTheArgs()
    {
        var image = new ImageConfig { Cmd = ["ignored"] };

        var argv = ContainerCommand.Combine(image, null, ["sh", "-c", "true"], NoEnvironment);

        Assert.Equal(["sh", "-c", "true"], argv);
    }

    [Fact]
    public void Combine_ExpandsVariableReferencesInCommandAndArgsButNotInTheImage()
    {
        var image = new ImageConfig { Entrypoint = ["/bin/echo", "$(NAME)"] };
        KeyValuePair<string, string>[] environment = [new("NAME", "first"), new("NAME", "world")];

        var fromArgs = ContainerCommand.Combine(image, null, ["$(NAME)", "$$(NAME)", "$(MISSING)"], environment);
        var fromCommand = ContainerCommand.Combine(image, ["/bin/echo", "hello $(NAME)"], null, environment);

        Assert.Equal(["/bin/echo", "$(NAME)", "world", "$(NAME)", "$(MISSING)"], fromArgs);
        Assert.Equal(["/bin/echo", "hello world"], fromCommand);
    }

    [Fact]
    public void Combine_WithNothingToRunIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => ContainerCommand.Combine(ImageConfig.Empty, null, null, NoEnvironment));

        Assert.Contains("no command specified", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageConfig_ParsesTheDockerfileFieldsAndRefusesUnknownOnes()
    {
        var config = ImageConfig.Parse("""{"entrypoint": ["/zkrsync"], "cmd": ["--help"], "workingDir": "/data", "user": "1000:1000"}""", "image.json");

        Assert.Equal(["/zkrsync"], config.Entrypoint);
        Assert.Equal(["--help"], config.Cmd);
        Assert.Equal("/data", config.WorkingDir);
        Assert.Equal("1000:1000", config.User);
        var error = Assert.Throws<InvalidDataException>(() => ImageConfig.Parse("""{"entrypont": ["/x"]}""", "img/image.json"));
        Assert.StartsWith("img/image.json: not a valid image configuration", error.Message, StringComparison.Ordinal);
    }
}
