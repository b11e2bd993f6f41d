using k8s.Models;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>Pass 1 of a session whose (played) master owns its ZooKeeper session, with the pass's three Jobs.</summary>
public sealed record OwnedPass(V1Alpha1ZkRsyncSession Session, string ZkSession, V1Job Master, V1Job Sources, V1Job Destinations, PlayedMaster Played)
    : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Played.DisposeAsync();
}
