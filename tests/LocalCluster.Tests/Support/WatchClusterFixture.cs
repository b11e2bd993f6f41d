using ZkSync.LocalCluster.Hosting;

namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>A local cluster sending bookmarks every 200 ms, so watch tests see them quickly.</summary>
public sealed class WatchClusterFixture : LocalClusterFixture
{
    protected override LocalApiServerOptions Options => new() { BookmarkInterval = TimeSpan.FromMilliseconds(200) };
}
