namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>Every scenario class shares one <see cref="EndToEndCluster"/> (one cluster, one helm install) and runs one
/// after the other: the machine has few cores, and a scenario's timings should not depend on another's load.</summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndCluster>
{
    public const string Name = "end to end";
}
