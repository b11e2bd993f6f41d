using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's <c>Party</c>: a member is an ephemeral <c>&lt;uuid4 hex&gt;__party__</c> node under
/// <see cref="Path"/> holding its identifier; the members are the data of the children whose names
/// contain <c>__party__</c>. A member whose session ends leaves by itself.
/// </summary>
public sealed class Party
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private readonly byte[] _data;
    private readonly string _nodePath;
    private readonly ChangeSignal _changed = new();
    private bool _pathEnsured;

    public Party(ZooKeeperClient client, string path, string? identifier = null, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<Party>();
        Path = path;
        Identifier = identifier ?? string.Empty;
        _data = Encoding.UTF8.GetBytes(Identifier);
        NodeName = KazooNames.PartyMemberName(KazooNames.NewUuidHex());
        _nodePath = KazooNames.Combine(path, NodeName);
    }

    public string Path { get; }

    public string Identifier { get; }

    /// <summary>This member's node name (fixed per instance, so joining again after a lost reply is idempotent).</summary>
    public string NodeName { get; }

    public bool IsParticipating { get; private set; }

    /// <summary>Joins (creates the member node); joining twice is harmless.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        await _options.RetryPolicy.ExecuteAsync(async token =>
        {
            try
            {
                await _client.CreateAsync(_nodePath, _data, _options.Acl, CreateMode.Ephemeral, token).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // Created by an earlier attempt whose reply was lost.
            }
        }, cancellationToken).ConfigureAwait(false);
        IsParticipating = true;
        _logger.LogDebug("Joined party {Path} as {Node}", Path, NodeName);
    }

    /// <summary>
    /// Joins several parties of one client in one transaction: the member nodes of as many joins, one write where a
    /// worker joining two parties would make two flushed writes one after the other.
    /// </summary>
    public static async Task JoinAllAsync(IReadOnlyList<Party> parties, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (parties.Count == 0)
        {
            return;
        }

        var first = parties[0];
        foreach (var party in parties)
        {
            if (!ReferenceEquals(party._client, first._client))
            {
                throw new ArgumentException("Every party must belong to the same client.", nameof(parties));
            }

            await party.EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        }

        await first._options.RetryPolicy.ExecuteAsync(async token =>
        {
            try
            {
                await first._client.MultiAsync(
                    [.. parties.Select(party => Op.Create(party._nodePath, party._data, party._options.Acl, CreateMode.Ephemeral))], token).ConfigureAwait(false);
            }
            catch (NodeExistsException)
            {
                // Created by an earlier attempt whose reply was lost: the names are this process's own uuids, and a
                // transaction applies all or nothing.
            }
        }, cancellationToken).ConfigureAwait(false);
        foreach (var party in parties)
        {
            party.IsParticipating = true;
            party._logger.LogDebug("Joined party {Path} as {Node}", party.Path, party.NodeName);
        }
    }

    /// <summary>Leaves (deletes the member node). False when it was not there.</summary>
    public async Task<bool> LeaveAsync(CancellationToken cancellationToken = default)
    {
        IsParticipating = false;
        return await _options.RetryPolicy.ExecuteAsync(async (attempt, token) =>
        {
            try
            {
                await _client.DeleteAsync(_nodePath, -1, token).ConfigureAwait(false);
                return true;
            }
            catch (NoNodeException)
            {
                // After a lost reply our own delete may have done it.
                return attempt.IsRetry;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The identifiers of the current members (in the server's child order).</summary>
    public async Task<IReadOnlyList<string>> GetMembersAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var children = await ListMemberNodesAsync(null, cancellationToken).ConfigureAwait(false);
        return await ReadMembersAsync(children, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The members now, and a task that completes at the next change of the party's children after this
    /// listing (one-shot): for callers that keep the list and read it again only when it changed.
    /// </summary>
    public async Task<(IReadOnlyList<string> Members, Task Changed)> GetMembersWithChangeAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var changed = _changed.Arm();
        var children = await ListMemberNodesAsync(_changed.Watcher, cancellationToken).ConfigureAwait(false);
        return (await ReadMembersAsync(children, cancellationToken).ConfigureAwait(false), changed);
    }

    /// <summary>The number of members, and a task that completes when membership changes after this call (a child watch).</summary>
    public async Task<(int Count, Task Changed)> CountWithChangeAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var changed = _changed.Arm();
        return ((await ListMemberNodesAsync(_changed.Watcher, cancellationToken).ConfigureAwait(false)).Count, changed);
    }

    /// <summary>The number of members.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        return (await ListMemberNodesAsync(null, cancellationToken).ConfigureAwait(false)).Count;
    }

    /// <summary>
    /// The members now, then again after every change of the party's children, until cancelled
    /// (which ends the stream quietly) or the session ends (which throws). Changes in quick
    /// succession may be seen as one.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<string>> WatchMembersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = _changed.Arm();
            var children = await ListMemberNodesAsync(_changed.Watcher, cancellationToken).ConfigureAwait(false);
            yield return await ReadMembersAsync(children, cancellationToken).ConfigureAwait(false);
            try
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
        }
    }

    /// <summary>Completes at the next change of the party's children after this call (one-shot).</summary>
    public async Task WaitForChangeAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var changed = _changed.Arm();
        await ListMemberNodesAsync(_changed.Watcher, cancellationToken).ConfigureAwait(false);
        await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> ListMemberNodesAsync(Action<WatchedEvent>? watcher, CancellationToken cancellationToken)
    {
        var children = await _options.RetryPolicy.ExecuteAsync(
            token => _client.GetChildrenAsync(Path, watcher, token), cancellationToken).ConfigureAwait(false);
        return children.Children.Where(KazooNames.IsPartyMember).ToList();
    }

    /// <summary>
    /// The members' data in listing order, one request per <see cref="ZooKeeperClientRecipeExtensions.ReadChunk"/> members
    /// (multiRead; pipelined reads on a server before 3.6). A member that left between the listing and the read is left out.
    /// </summary>
    private async Task<IReadOnlyList<string>> ReadMembersAsync(IReadOnlyList<string> nodes, CancellationToken cancellationToken)
    {
        var data = await _client.ReadManyAsync([.. nodes.Select(node => KazooNames.Combine(Path, node))], _options.RetryPolicy, cancellationToken)
            .ConfigureAwait(false);
        return [.. data.OfType<DataResult>().Select(result => Encoding.UTF8.GetString(result.Data))];
    }

    private async Task EnsurePathAsync(CancellationToken cancellationToken)
    {
        if (!_pathEnsured)
        {
            await _client.EnsurePathAsync(Path, _options, cancellationToken).ConfigureAwait(false);
            _pathEnsured = true;
        }
    }
}
