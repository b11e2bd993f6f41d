namespace ZkSync.ZooKeeper.Recipes;

/// <summary>kazoo's <c>ensure_path</c> and <c>delete(recursive=True)</c>, and reads of many nodes, safe against concurrent
/// clients and lost connections: every step is idempotent and goes through a <see cref="ZooKeeperRetryPolicy"/>.</summary>
public static class ZooKeeperClientRecipeExtensions
{
    /// <summary>Reads one multiRead request carries at most.</summary>
    public const int ReadChunk = 256;

    /// <summary>Listings <see cref="DeleteTreesAsync(ZooKeeperClient, IReadOnlyList{string}, RecipeOptions, CancellationToken)"/> keeps in flight at once.</summary>
    private const int ConcurrentListings = 32;

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
    /// <see cref="EnsurePathAsync(ZooKeeperClient, string, IReadOnlyList{Acl}?, ZooKeeperRetryPolicy, CancellationToken)"/>
    /// with the recipes' ACL and retry policy, free for a node <see cref="RecipeOptions.KnownNodes"/> knows.
    /// </summary>
    public static async Task EnsurePathAsync(this ZooKeeperClient client, string path, RecipeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KnownNodes?.Contains(path) == true)
        {
            return;
        }

        await client.EnsurePathAsync(path, options.Acl, options.RetryPolicy, cancellationToken).ConfigureAwait(false);
        options.KnownNodes?.Add(path);
    }

    /// <summary>
    /// Creates every missing node of <paramref name="paths"/> (each at or below <paramref name="root"/>) and their missing
    /// ancestors, with empty data and the recipes' ACL, in one transaction after one read of them all (multiRead): workers
    /// that start together and need the same nodes make them once, instead of racing node by node (every failed create
    /// is a write the ensemble logs). A transaction that finds a node made meanwhile (NodeExists: another client, or our
    /// own transaction whose reply was lost; all or nothing) reads again and creates what is still missing. Ancestors
    /// above <paramref name="root"/> are ensured node by node (read with exists, which needs no read permission). The
    /// nodes are then known (<see cref="RecipeOptions.KnownNodes"/>).
    /// </summary>
    public static async Task EnsureTreeAsync(
        this ZooKeeperClient client, string root, IEnumerable<string> paths, RecipeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        PathValidation.ValidatePath(root);
        var nodes = new SortedSet<string>(StringComparer.Ordinal) { root };
        foreach (var path in paths)
        {
            PathValidation.ValidatePath(path);
            if (path != root && !path.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{path} is not below {root}", nameof(paths));
            }

            for (var node = path; node != root; node = ParentOf(node))
            {
                nodes.Add(node);
            }
        }

        // Parents before children: by depth, then by name.
        var ordered = nodes.Where(node => options.KnownNodes?.Contains(node) != true)
            .OrderBy(node => node.Count(c => c == '/')).ThenBy(node => node, StringComparer.Ordinal).ToList();
        while (ordered.Count > 0)
        {
            var found = await client.ReadManyAsync(ordered, options.RetryPolicy, cancellationToken).ConfigureAwait(false);
            var missing = ordered.Where((_, i) => found[i] is null).ToList();
            if (missing.Count == 0)
            {
                break;
            }

            if (missing[0] == root)
            {
                await client.EnsurePathAsync(ParentOf(root), options.Acl, options.RetryPolicy, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await options.RetryPolicy.ExecuteAsync(
                    async token =>
                    {
                        await client.MultiAsync([.. missing.Select(node => (Op)Op.Create(node, ReadOnlyMemory<byte>.Empty, options.Acl, CreateMode.Persistent))], token)
                            .ConfigureAwait(false);
                        return true;
                    },
                    cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (NodeExistsException)
            {
                // Made meanwhile: read again.
            }
        }

        foreach (var node in nodes)
        {
            options.KnownNodes?.Add(node);
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
            if (await ChildrenOrNullAsync(client, path, retryPolicy, cancellationToken).ConfigureAwait(false) is not { } children)
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

    /// <summary>
    /// Deletes these subtrees (missing ones are no error) in as few transactions as fit, children before parents, after
    /// listing them: where <see cref="DeleteRecursiveAsync(ZooKeeperClient, string, ZooKeeperRetryPolicy, CancellationToken)"/>
    /// makes one write per node (each flushed to disk by the ensemble before the next is sent), this makes one per
    /// transaction. A subtree that changed since the listing (NotEmpty, NoNode: someone added or deleted meanwhile, or our
    /// own transaction whose reply was lost) is deleted node by node instead. <see cref="RecipeOptions.KnownNodes"/>
    /// forgets them.
    /// </summary>
    public static Task DeleteTreesAsync(
        this ZooKeeperClient client, IReadOnlyList<string> paths, RecipeOptions options, CancellationToken cancellationToken = default) =>
        DeleteTreesAsync(client, paths, options, commitLast: null, cancellationToken);

    /// <summary>
    /// As <see cref="DeleteTreesAsync(ZooKeeperClient, IReadOnlyList{string}, RecipeOptions, CancellationToken)"/>, but the
    /// last transaction's deletes (none when nothing was there) go to <paramref name="commitLast"/>, which adds its own
    /// operations (at most one, of a short path) and commits them in one write, e.g. a lock's
    /// <see cref="DistributedLock.ReleaseWithAsync"/>. After a fallback to node-by-node deletes it is not called.
    /// </summary>
    public static async Task DeleteTreesAsync(
        this ZooKeeperClient client,
        IReadOnlyList<string> paths,
        RecipeOptions options,
        Func<IReadOnlyList<Op>, CancellationToken, Task>? commitLast,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var path in paths)
        {
            PathValidation.ValidatePath(path);
            options.KnownNodes?.ForgetUnder(path);
        }

        using var listings = new SemaphoreSlim(ConcurrentListings);
        var subtrees = paths.Select(path => new List<string>()).ToList();
        await Task.WhenAll(paths.Select((path, i) => ListSubtreeAsync(client, path, subtrees[i], listings, options.RetryPolicy, cancellationToken)))
            .ConfigureAwait(false);
        var nodes = subtrees.SelectMany(subtree => subtree).ToList();

        try
        {
            var groups = TransactionSize.Split(nodes.Select(node => (Op)Op.Delete(node)), commitLast is null ? 0 : 1024, commitLast is null ? 0 : 1).ToList();
            var committedHere = commitLast is null ? groups.Count : groups.Count - 1;
            foreach (var group in groups.Take(committedHere))
            {
                await options.RetryPolicy.ExecuteAsync(
                    async token =>
                    {
                        await client.MultiAsync(group, token).ConfigureAwait(false);
                        return true;
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            if (commitLast is not null)
            {
                await commitLast(groups.Count > 0 ? groups[^1] : [], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ZooKeeperException exception) when (exception is NoNodeException or NotEmptyException)
        {
            foreach (var path in paths)
            {
                await client.DeleteRecursiveAsync(path, options.RetryPolicy, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds <paramref name="path"/>'s subtree to <paramref name="nodes"/>, children before their parent. Siblings are
    /// listed at once (the requests share the connection, at most <see cref="ConcurrentListings"/> in flight): a round trip
    /// per level of a small tree, not per node.</summary>
    private static async Task ListSubtreeAsync(
        ZooKeeperClient client, string path, List<string> nodes, SemaphoreSlim listings, ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? children;
        await listings.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            children = await ChildrenOrNullAsync(client, path, retryPolicy, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            listings.Release();
        }

        if (children is null)
        {
            return;
        }

        var subtrees = children.Select(child => new List<string>()).ToList();
        await Task.WhenAll(children.Select((child, i) => ListSubtreeAsync(client, KazooNames.Combine(path, child), subtrees[i], listings, retryPolicy, cancellationToken)))
            .ConfigureAwait(false);
        foreach (var subtree in subtrees)
        {
            nodes.AddRange(subtree);
        }

        nodes.Add(path);
    }

    /// <summary>The node's children, null when it is missing.</summary>
    private static async Task<IReadOnlyList<string>?> ChildrenOrNullAsync(
        ZooKeeperClient client, string path, ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken)
    {
        try
        {
            return (await retryPolicy.ExecuteAsync(token => client.GetChildrenAsync(path, null, token), cancellationToken).ConfigureAwait(false)).Children;
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    internal static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
