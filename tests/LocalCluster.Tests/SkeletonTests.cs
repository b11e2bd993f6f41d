namespace ZkSync.LocalCluster.Tests;

public sealed class SkeletonTests
{
    [Fact]
    public void Assembly_OfTheLocalCluster_Loads() =>
        Assert.Equal("ZkSync.LocalCluster", typeof(Program).Assembly.GetName().Name);
}
