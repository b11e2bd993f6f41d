using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's exclusive <c>Lock</c>, node for node: each attempt creates an ephemeral sequential
/// <c>&lt;uuid4 hex&gt;__lock__&lt;seq&gt;</c> under <see cref="Path"/> holding the identifier; the
/// lowest sequence holds the lock and every other contender watches only its predecessor. The uuid
/// prefix lets a create whose reply was lost find its node again, so no contender is orphaned.
/// Not re-entrant; one instance is one contender (calls on it are serialized).
/// </summary>
/// <remarks>Named DistributedLock rather than kazoo's Lock so it never clashes with System.Threading.Lock.</remarks>
public sealed class DistributedLock
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly byte[] _data;
    private readonly string _prefix;
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly ChangeSignal _predecessorChanged = new();
    private bool _pathEnsured;
    private bool _createTried;
    private string? _node;

    public DistributedLock(ZooKeeperClient client, string path, string? identifier = null, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<DistributedLock>();
        Path = path;
        Identifier = identifier ?? string.Empty;
        _data = Encoding.UTF8.GetBytes(Identifier);
        _prefix = KazooNames.LockContenderPrefix(KazooNames.NewUuidHex());
    }

    public string Path { get; }

    /// <summary>This contender's node data, as <see cref="GetContendersAsync"/> reports it.</summary>
    public string Identifier { get; }

    /// <summary>True between a successful acquire and <see cref="ReleaseAsync"/>. A lost session
    /// loses the lock without this changing: watch the client's state.</summary>
    public bool IsAcquired { get; private set; }

    /// <summary>The contender node's name while this instance contends or holds the lock.</summary>
    public string? NodeName => _node;

    /// <summary>
    /// Waits for the lock. Returns false when <paramref name="timeout"/> (null: forever) passes first;
    /// throws <see cref="OperationCanceledException"/> when cancelled. Either way the contender node
    /// is deleted, as kazoo does.
    /// </summary>
    public Task<bool> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must not be negative.");
        }

        return AcquireAsync(blocking: true, timeout == Timeout.InfiniteTimeSpan ? null : timeout, cancellationToken);
    }

    /// <summary>Takes the lock only if no other contender precedes this one; otherwise deletes the node and returns false.</summary>
    public Task<bool> TryAcquireAsync(CancellationToken cancellationToken = default) =>
        AcquireAsync(blocking: false, timeout: null, cancellationToken);

    /// <summary>Whether any contender holds or waits for the lock now: one listing, nothing written. Before a
    /// <see cref="TryAcquireAsync"/> that would lose anyway, it saves the two writes of a node made and deleted.</summary>
    public async Task<bool> HasContendersAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        return (await ListContendersAsync(cancellationToken).ConfigureAwait(false)).Count > 0;
    }

    /// <summary>Deletes the contender node. Returns false when the lock was not held.</summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsAcquired || _node is null)
            {
                return false;
            }

            var nodePath = KazooNames.Combine(Path, _node);
            await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                try
                {
                    await _client.DeleteAsync(nodePath, -1, token).ConfigureAwait(false);
                }
                catch (NoNodeException)
                {
                    // Gone with an expired session already.
                }
            }, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Released lock {Path} ({Node})", Path, _node);
            IsAcquired = false;
            _node = null;
            return true;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="operations"/> and releases the lock in one transaction: one write where the holder would
    /// otherwise make its last changes and then delete its node, so the next contender gets the lock a flushed write
    /// sooner, and sees the changes as it would after separate writes (they come before the release). When an operation
    /// fails, nothing is applied, the lock is still held and the operation's exception is thrown. After a lost reply our
    /// node tells whether the transaction applied: gone means applied (only this transaction or our session's end deletes it).
    /// </summary>
    public async Task ReleaseWithAsync(IReadOnlyList<Op> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsAcquired || _node is null)
            {
                throw new InvalidOperationException($"The lock {Path} is not held by this instance.");
            }

            var nodePath = KazooNames.Combine(Path, _node);
            await _options.RetryPolicy.ExecuteAsync(async (attempt, token) =>
            {
                if (attempt.IsRetry && await _client.ExistsAsync(nodePath, null, token).ConfigureAwait(false) is null)
                {
                    return;
                }

                await _client.MultiAsync([.. operations, Op.Delete(nodePath)], token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Released lock {Path} ({Node}) with {Count} operations", Path, _node, operations.Count);
            IsAcquired = false;
            _node = null;
        }
        finally
        {
            _serial.Release();
        }
    }

    /// <summary>The identifiers (node data) of all contenders, the holder first.</summary>
    public async Task<IReadOnlyList<string>> GetContendersAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var contenders = await ListContendersAsync(cancellationToken).ConfigureAwait(false);
        var identifiers = new List<string>(contenders.Count);
        foreach (var node in contenders)
        {
            try
            {
                var data = await _options.RetryPolicy.ExecuteAsync(
                    token => _client.GetDataAsync(KazooNames.Combine(Path, node), null, token), cancellationToken).ConfigureAwait(false);
                identifiers.Add(Encoding.UTF8.GetString(data.Data));
            }
            catch (NoNodeException)
            {
                // Left between the listing and the read.
            }
        }

        return identifiers;
    }

    private async Task<bool> AcquireAsync(bool blocking, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var started = _options.TimeProvider.GetTimestamp();
        if (!await _serial.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            if (IsAcquired)
            {
                throw new InvalidOperationException($"The lock {Path} is already held by this instance; it is not re-entrant.");
            }

            var acquired = false;
            try
            {
                acquired = await ContendAsync(blocking, started, timeout, cancellationToken).ConfigureAwait(false);
                return acquired;
            }
            finally
            {
                if (acquired)
                {
                    IsAcquired = true;
                    _logger.LogDebug("Acquired lock {Path} ({Node})", Path, _node);
                }
                else
                {
                    await DeleteOwnNodeBestEffortAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _serial.Release();
        }
    }

    private async Task<bool> ContendAsync(bool blocking, long started, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        _createTried = false;
        while (true)
        {
            _node ??= await CreateOrFindNodeAsync(cancellationToken).ConfigureAwait(false);

            var contenders = await ListContendersAsync(cancellationToken).ConfigureAwait(false);
            var position = IndexOf(contenders, _node);
            if (position < 0)
            {
                // Our node vanished (an expired session took it): contend again, like kazoo's ForceRetry.
                _logger.LogWarning("Lock node {Node} under {Path} vanished; contending again", _node, Path);
                _node = null;
                continue;
            }

            if (position == 0)
            {
                return true;
            }

            if (!blocking)
            {
                return false;
            }

            var changed = _predecessorChanged.Arm();
            var predecessor = KazooNames.Combine(Path, contenders[position - 1]);
            try
            {
                await _options.RetryPolicy.ExecuteAsync(
                    token => _client.GetDataAsync(predecessor, _predecessorChanged.Watcher, token), cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                continue;
            }

            _logger.LogDebug("Lock {Path}: {Node} waits for {Predecessor}", Path, _node, predecessor);
            if (!await ChangeSignal.WaitAsync(changed, _options.TimeProvider, started, timeout, cancellationToken).ConfigureAwait(false))
            {
                _logger.LogDebug("Lock {Path}: {Node} timed out after {Timeout}", Path, _node, timeout);
                return false;
            }
        }
    }

    /// <summary>Creates our contender node; after a lost reply (or when our node vanished) first looks
    /// for a node with our uuid prefix, so a retried create never leaves a second contender.</summary>
    private Task<string> CreateOrFindNodeAsync(CancellationToken cancellationToken) =>
        _options.RetryPolicy.ExecuteAsync(async token =>
        {
            if (_createTried && await FindOwnNodeAsync(token).ConfigureAwait(false) is { } found)
            {
                _logger.LogDebug("Lock {Path}: found own node {Node} after a lost reply", Path, found);
                return found;
            }

            _createTried = true;
            var created = await _client.CreateAsync(
                KazooNames.Combine(Path, _prefix), _data, _options.Acl, CreateMode.EphemeralSequential, token).ConfigureAwait(false);
            return created[(created.LastIndexOf('/') + 1)..];
        }, cancellationToken);

    private async Task<string?> FindOwnNodeAsync(CancellationToken cancellationToken)
    {
        var children = await _client.GetChildrenAsync(Path, null, cancellationToken).ConfigureAwait(false);
        return children.Children.FirstOrDefault(child => child.StartsWith(_prefix, StringComparison.Ordinal));
    }

    /// <summary>Contender node names ordered by sequence (compared as strings, like kazoo).</summary>
    private async Task<IReadOnlyList<string>> ListContendersAsync(CancellationToken cancellationToken)
    {
        var children = await _options.RetryPolicy.ExecuteAsync(
            token => _client.GetChildrenAsync(Path, null, token), cancellationToken).ConfigureAwait(false);
        return children.Children
            .Select(child => (Child: child, Sequence: KazooNames.LockSequence(child)))
            .Where(entry => entry.Sequence is not null)
            .OrderBy(entry => entry.Sequence, StringComparer.Ordinal)
            .Select(entry => entry.Child)
            .ToList();
    }

    /// <summary>After a failed, timed-out or cancelled attempt: delete our node, even one whose create
    /// reply never arrived (requests are ordered, so a listing sent now sees it), riding through connection
    /// loss: a contender node left behind would block every other contender until our session ends.</summary>
    private async Task DeleteOwnNodeBestEffortAsync()
    {
        try
        {
            await _options.RetryPolicy.ExecuteAsync(async token =>
            {
                var node = _node ?? await FindOwnNodeAsync(token).ConfigureAwait(false);
                if (node is not null)
                {
                    try
                    {
                        await _client.DeleteAsync(KazooNames.Combine(Path, node), -1, token).ConfigureAwait(false);
                    }
                    catch (NoNodeException)
                    {
                        // Deleted by an earlier attempt whose reply was lost.
                    }
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ZooKeeperException exception)
        {
            _logger.LogDebug("Lock {Path}: could not delete contender node ({Reason})", Path, exception.Message);
        }
        catch (ObjectDisposedException)
        {
            // The client is closed: its ephemeral nodes are gone.
        }
        finally
        {
            _node = null;
        }
    }

    private async Task EnsurePathAsync(CancellationToken cancellationToken)
    {
        if (!_pathEnsured)
        {
            await _client.EnsurePathAsync(Path, _options, cancellationToken).ConfigureAwait(false);
            _pathEnsured = true;
        }
    }

    private static int IndexOf(IReadOnlyList<string> contenders, string node)
    {
        for (var i = 0; i < contenders.Count; i++)
        {
            if (string.Equals(contenders[i], node, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
