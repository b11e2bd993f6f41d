using System.Globalization;
using ZkSync.Testing;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>The shared server's own counters, for tests that count what a recipe sends.</summary>
internal static class ServerCounters
{
    /// <summary>Requests the server received since it started (mntr's <c>zk_packets_received</c>, pings included).</summary>
    public static async Task<long> PacketsReceivedAsync(this ZooKeeperServerFixture fixture, CancellationToken cancellationToken)
    {
        var mntr = await fixture.Server.SendCommandAsync("mntr", cancellationToken);
        var line = mntr.Split('\n').Single(l => l.StartsWith("zk_packets_received\t", StringComparison.Ordinal));
        return long.Parse(line.AsSpan(line.IndexOf('\t') + 1), CultureInfo.InvariantCulture);
    }
}
