namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>Waiting on the server's state through watches, never by sleeping.</summary>
internal static class Watches
{
    /// <summary>Returns the children of <paramref name="path"/> once <paramref name="condition"/> holds for them.</summary>
    public static async Task<IReadOnlyList<string>> WaitForChildrenAsync(
        ZooKeeperClient client, string path, Func<IReadOnlyList<string>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            IReadOnlyList<string> children;
            try
            {
                children = (await client.GetChildrenAsync(path, _ => changed.TrySetResult(), cancellationToken)).Children;
            }
            catch (NoNodeException)
            {
                if (await client.ExistsAsync(path, _ => changed.TrySetResult(), cancellationToken) is not null)
                {
                    continue;
                }

                children = [];
            }

            if (condition(children))
            {
                return children;
            }

            await changed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="path"/> exists.</summary>
    public static async Task WaitForNodeAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (await client.ExistsAsync(path, _ => changed.TrySetResult(), cancellationToken) is not null)
            {
                return;
            }

            await changed.Task.WaitAsync(cancellationToken);
        }
    }
}
