namespace ZkSync.Operator.Tests;

public sealed class SkeletonTests
{
    [Fact]
    public void Assembly_OfTheOperator_Loads() =>
        Assert.Equal("zksync-operator", typeof(Program).Assembly.GetName().Name);
}
