namespace ZkSync.ZooKeeper.Recipes;

/// <summary>kazoo's <c>ensure_path</c> and <c>delete(recursive=True)</c>, and reads of many nodes, safe against concurrent
/// clients and lost connections: every step is idempotent and goes through a <see cref="ZooKeeperRetryPolicy"/>.</summary>
public static class ZooKeeperClientRecipeExtensions
{
    /// <summary>Reads one multiRead request carries at most.</summary>
    public const int ReadChunk = 256;

    /// <summary>
    /// The data and stat of every node in <paramref name="paths"/>, in order (null for a missing node), one request per
    /// <see cref="ReadChunk"/> nodes (the server's multiRead); a server without multiRead (before 3.6) gets pipelined reads.
    /// </summary>
    public static async Task<DataResult?[]> ReadManyAsync(
        this ZooKeeperClient client,
        IReadOnlyList<string> paths,
        ZooKeeperRetryPolicy retryPolicy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        var results = new List<DataResult?>(paths.Count);
        foreach (var chunk in paths.Chunk(ReadChunk))
        {
            try
            {
                results.AddRange(await retryPolicy.ExecuteAsync(token => client.GetDataManyAsync(chunk, token), cancellationToken).ConfigureAwait(false));
            }
            catch (UnimplementedException)
            {
                results.AddRange(await Task.WhenAll(chunk.Select(path => ReadOrNullAsync(client, path, retryPolicy, cancellationToken))).ConfigureAwait(false));
            }
        }

        return [.. results];
    }

    private static async Task<DataResult?> ReadOrNullAsync(ZooKeeperClient client, string path, ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken)
    {
        try
        {
            return await retryPolicy.ExecuteAsync(token => client.GetDataAsync(path, null, token), cancellationToken).ConfigureAwait(false);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/> and any missing ancestor with empty data and <paramref name="acl"/>
    /// (open when null), as kazoo does: an existing node ends the walk up, a node created meanwhile by
    /// someone else (NodeExists) counts as done. Existing nodes keep their data and ACL.
    /// </summary>
    public static Task EnsurePathAsync(
        this ZooKeeperClient client,
        string path,
        IReadOnlyList<Acl>? acl = null,
        CancellationToken cancellationToken = default) =>
        client.EnsurePathAsync(path, acl, ZooKeeperRetryPolicy.Default, cancellationToken);

    /// <inheritdoc cref="EnsurePathAsync(ZooKeeperClient, string, IReadOnlyList{Acl}?, CancellationToken)"/>
    public static async Task EnsurePathAsync(
        this ZooKeeperClient client,
        string path,
        IReadOnlyList<Acl>? acl,
        ZooKeeperRetryPolicy retryPolicy,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        PathValidation.ValidatePath(path);
        acl ??= Acl.OpenUnsafe;

        // Walk up to the deepest existing ancestor, then create downwards.
        var missing = new Stack<string>();
        for (var current = path; ; current = ParentOf(current))
        {
            var node = current;
            if (node == "/" || await retryPolicy.ExecuteAsync(token => client.ExistsAsync(node, null, token), cancellationToken).ConfigureAwait(false) is not null)
            {
                break;
            }

            missing.Push(node);
        }

        while (missing.TryPop(out var next))
        {
            await retryPolicy.ExecuteAsync(async token =>
            {
                try
                {
                    await client.CreateAsync(next, ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent, token).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    // Created concurrently by another client (or by our own request whose reply was lost).
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes <paramref name="path"/> and everything below it, children first. Nodes deleted
    /// concurrently are ignored; a node that gains a child meanwhile (NotEmpty) is listed again.
    /// A missing <paramref name="path"/> is not an error.
    /// </summary>
    public static Task DeleteRecursiveAsync(this ZooKeeperClient client, string path, CancellationToken cancellationToken = default) =>
        client.DeleteRecursiveAsync(path, ZooKeeperRetryPolicy.Default, cancellationToken);

    /// <inheritdoc cref="DeleteRecursiveAsync(ZooKeeperClient, string, CancellationToken)"/>
    public static async Task DeleteRecursiveAsync(
        this ZooKeeperClient client, string path, ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        PathValidation.ValidatePath(path);
        while (true)
        {
            IReadOnlyList<string> children;
            try
            {
                children = (await retryPolicy.ExecuteAsync(token => client.GetChildrenAsync(path, null, token), cancellationToken).ConfigureAwait(false)).Children;
            }
            catch (NoNodeException)
            {
                return;
            }

            foreach (var child in children)
            {
                await client.DeleteRecursiveAsync(KazooNames.Combine(path, child), retryPolicy, cancellationToken).ConfigureAwait(false);
            }

            if (path == "/")
            {
                return;
            }

            try
            {
                await retryPolicy.ExecuteAsync(token => client.DeleteAsync(path, -1, token), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NoNodeException)
            {
                // Gone: deleted concurrently, or by our own request whose reply was lost.
                return;
            }
            catch (NotEmptyException)
            {
                // A child was added after we listed: list again.
            }
        }
    }

    internal static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
