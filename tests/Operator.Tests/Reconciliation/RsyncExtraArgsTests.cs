using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class RsyncExtraArgsTests
{
    [Theory]
    [InlineData("--bwlimit=1000", "bwlimit:1000")]
    [InlineData("--numeric-ids", "numeric-ids")]
    [InlineData("--chmod=D2775:x", "chmod:D2775:x")]
    public void ToArbitOpt_TurnsTheFirstEqualsIntoAColon(string option, string expected) =>
        Assert.Equal(expected, RsyncExtraArgs.ToArbitOpt(option));

    [Theory]
    [InlineData("--rsh=ssh", "--rsh")]
    [InlineData("--files-from=/x", "--files-from")]
    [InlineData("--daemon", "--daemon")]
    [InlineData("-e", "only long options")]
    [InlineData("--", "only long options")]
    [InlineData("--chmod=a,b", "no ','")]
    public void Problem_NamesTheRefusedOption(string option, string expected) =>
        Assert.Contains(expected, RsyncExtraArgs.Problem(option), StringComparison.Ordinal);

    [Theory]
    [InlineData("--bwlimit=1000")]
    [InlineData("--delete-excluded")]
    [InlineData("--rsh-like-but-not")]
    public void Problem_OfAnAllowedOption_IsNull(string option) => Assert.Null(RsyncExtraArgs.Problem(option));
}
