namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// A node only this client writes, whose version counts its transactions: each <see cref="CommitAsync"/> puts a
/// setData of the marker, at the version it last wrote, into the same transaction as the operations it guards.
/// After a lost reply the marker's version settles whether the transaction happened (one further: it did; the
/// same: it did not, and it is sent again), whatever others wrote meanwhile to the nodes the operations touch.
/// A marker found at another version was written by someone else: <see cref="MarkerMovedException"/>.
/// </summary>
public sealed class VersionMarker
{
    private readonly ZooKeeperClient _client;
    private readonly ZooKeeperRetryPolicy _retryPolicy;

    public VersionMarker(ZooKeeperClient client, string path, int version, ZooKeeperRetryPolicy retryPolicy)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        PathValidation.ValidatePath(path);
        _client = client;
        _retryPolicy = retryPolicy;
        Path = path;
        Version = version;
    }

    public string Path { get; }

    /// <summary>The version this client last wrote (or found).</summary>
    public int Version { get; private set; }

    /// <summary>A marker for the existing node at <paramref name="path"/>, at its current version.</summary>
    public static async Task<VersionMarker> LoadAsync(ZooKeeperClient client, string path, ZooKeeperRetryPolicy retryPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(retryPolicy);
        var stat = await retryPolicy.ExecuteAsync(token => client.ExistsAsync(path, null, token), cancellationToken).ConfigureAwait(false)
            ?? throw new NoNodeException(path);
        return new VersionMarker(client, path, stat.Version, retryPolicy);
    }

    /// <summary>
    /// Applies <paramref name="operations"/> and the marker's new <paramref name="data"/> in one transaction, retried
    /// through connection loss without ever applying twice. A failing operation throws its exception (with
    /// <see cref="ZooKeeperException.FailedOperationIndex"/>); the marker's own check failing throws
    /// <see cref="MarkerMovedException"/>.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<Op> operations, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var expected = Version;
        List<Op> transaction = [.. operations, Op.SetData(Path, data, expected)];
        try
        {
            await _retryPolicy.ExecuteAsync(
                async token =>
                {
                    await _client.MultiAsync(transaction, token).ConfigureAwait(false);
                    return true;
                },
                async token =>
                {
                    await _client.SyncAsync(Path, token).ConfigureAwait(false);
                    var version = (await _client.GetDataAsync(Path, null, token).ConfigureAwait(false)).Stat.Version;
                    return version == expected + 1 ? Settlement<bool>.Known(true)
                        : version == expected ? Settlement<bool>.NotApplied
                        : throw new MarkerMovedException(Path, expected, version);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (BadVersionException exception) when (exception.FailedOperationIndex == operations.Count)
        {
            throw new MarkerMovedException(Path, expected, null);
        }

        Version = expected + 1;
    }
}
