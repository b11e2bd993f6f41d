namespace ZkSync.ZooKeeper.Recipes;

/// <summary>kazoo's <c>ensure_path</c> and <c>delete(recursive=True)</c>, safe against concurrent clients.</summary>
public static class ZooKeeperClientRecipeExtensions
{
    /// <summary>
    /// Creates <paramref name="path"/> and any missing ancestor with empty data and <paramref name="acl"/>
    /// (open when null), as kazoo does: an existing node ends the walk up, a node created meanwhile by
    /// someone else (NodeExists) counts as done. Existing nodes keep their data and ACL.
    /// </summary>
    public static async Task EnsurePathAsync(
        this ZooKeeperClient client,
        string path,
        IReadOnlyList<Acl>? acl = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        acl ??= Acl.OpenUnsafe;

        // Walk up to the deepest existing ancestor, then create downwards.
        var missing = new Stack<string>();
        for (var current = path; ; current = ParentOf(current))
        {
            if (current == "/" || await client.ExistsAsync(current, null, cancellationToken).ConfigureAwait(false) is not null)
            {
                break;
            }

            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            try
            {
                await client.CreateAsync(next, ReadOnlyMemory<byte>.Empty, acl, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // Created concurrently by another client (or by our own retried request).
            }
        }
    }

    /// <summary>
    /// Deletes <paramref name="path"/> and everything below it, children first. Nodes deleted
    /// concurrently are ignored; a node that gains a child meanwhile (NotEmpty) is listed again.
    /// A missing <paramref name="path"/> is not an error.
    /// </summary>
    public static async Task DeleteRecursiveAsync(this ZooKeeperClient client, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        while (true)
        {
            IReadOnlyList<string> children;
            try
            {
                children = (await client.GetChildrenAsync(path, null, cancellationToken).ConfigureAwait(false)).Children;
            }
            catch (NoNodeException)
            {
                return;
            }

            foreach (var child in children)
            {
                await client.DeleteRecursiveAsync(KazooNames.Combine(path, child), cancellationToken).ConfigureAwait(false);
            }

            if (path == "/")
            {
                return;
            }

            try
            {
                await client.DeleteAsync(path, -1, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NoNodeException)
            {
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
