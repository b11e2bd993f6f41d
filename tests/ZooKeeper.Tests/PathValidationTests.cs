namespace ZkSync.ZooKeeper.Tests;

public sealed class PathValidationTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b-c_d.e/f g")]
    [InlineData("/...")]
    [InlineData("/.a/b.")]
    [InlineData("/zookeeper")]
    [InlineData("/ünïcødé")]
    public void ValidatePath_AcceptsValidPaths(string path)
    {
        PathValidation.ValidatePath(path);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a", "start with '/'")]
    [InlineData("a/b", "start with '/'")]
    [InlineData("/a/", "end with '/'")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("//", "end with '/'")]
    [InlineData("/./a", "'.' or '..'")]
    [InlineData("/a/.", "'.' or '..'")]
    [InlineData("/a/../b", "'.' or '..'")]
    [InlineData("/..", "'.' or '..'")]
    [InlineData("/a\0b", "NUL")]
    [InlineData("/a\u0001b", "invalid character")]
    [InlineData("/a\u007fb", "invalid character")]
    [InlineData("/a\ud800b", "invalid character")]
    [InlineData("/a\ufff0b", "invalid character")]
    public void ValidatePath_RejectsInvalidPathsWithAReason(string path, string reason)
    {
        var failure = Assert.Throws<ArgumentException>(() => PathValidation.ValidatePath(path));

        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
        Assert.Equal("path", failure.ParamName);
    }

    [Fact]
    public void ValidatePath_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => PathValidation.ValidatePath(null!));
    }

    [Fact]
    public void ValidatePath_SequentialNameMayEndWithSlash_BecauseTheServerAppendsTheCounter()
    {
        PathValidation.ValidatePath("/queue/", isSequential: true);
        Assert.Throws<ArgumentException>(() => PathValidation.ValidatePath("/queue/", isSequential: false));
        Assert.Throws<ArgumentException>(() => PathValidation.ValidatePath("/queue//", isSequential: true));
    }

    [Fact]
    public void ValidateData_AcceptsUpToTheLimit_AndRejectsMore()
    {
        PathValidation.ValidateData(new byte[PathValidation.MaxDataLength]);

        var failure = Assert.Throws<ArgumentException>(() => PathValidation.ValidateData(new byte[PathValidation.MaxDataLength + 1]));
        Assert.Contains("limit", failure.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PathValidation.ValidateData(new byte[1024 * 1024 + 1]));
    }
}
