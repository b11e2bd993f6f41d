using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>Waits on znodes with ZooKeeper watches (no polling).</summary>
internal static class Znodes
{
    /// <summary>Waits until <paramref name="path"/> exists (<paramref name="exists"/>) or not.</summary>
    public static async Task WaitAsync(ZooKeeperClient client, string path, bool exists, TimeSpan? timeout = null)
    {
        var limit = timeout ?? ClusterChanges.DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await foreach (var snapshot in new DataWatch(client, path).WatchAsync(deadline.Token).ConfigureAwait(false))
            {
                if (snapshot.Exists == exists)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {path} to {(exists ? "exist" : "be gone")}");
    }
}
