using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Finds a free destination slot in <c>destQueue</c> for one transfer, checked as the original checks it
/// (the destination is in party <c>allsd</c>, says <c>active</c>, and its <c>portmap</c> matches), and gives it
/// back afterwards: unlike the original, a source does not keep one destination for life, so any number
/// of sources share the destinations' slots.
/// </summary>
internal sealed partial class DestinationPicker(WorkerSession session)
{
    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<DestinationPicker>();
    // Slots are interchangeable and every source takes one per batch: sources that list together start at random ones.
    private readonly BulkLockingQueue _queue = NewSlotQueue(session);
    private readonly DestinationStates _states = new(session);
    private readonly Party _everyone = session.NewParty(ZnodeLayout.PartyAll);
    private readonly AvoidList _avoided = new(session.Time);
    private readonly Dictionary<string, string> _portMaps = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? _members;
    private Task _membersChanged = Task.CompletedTask;

    private static BulkLockingQueue NewSlotQueue(WorkerSession session)
    {
        var queue = session.NewQueue(ZnodeLayout.DestQueue(session.Name));
        queue.TakeAnywhere = true;
        return queue;
    }

    /// <summary>A usable slot, or null when none turned up within <paramref name="timeout"/>.</summary>
    public async Task<DestinationSlot?> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = session.Time.GetTimestamp();
        while (true)
        {
            var remaining = timeout - session.Time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            var taken = await _queue.TakeAsync(1, null, IsWanted, remaining, cancellationToken).ConfigureAwait(false);
            if (taken.Count == 0)
            {
                return null;
            }

            var item = taken[0];
            var text = Encoding.UTF8.GetString(item.Value);
            if (!ZnodeLayout.TryParseDestQueueEntry(text, out var port, out var whoAmI))
            {
                LogMalformed(_logger, text);
                await _queue.ConsumeAsync([item], cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!await IsMemberAsync(whoAmI, cancellationToken).ConfigureAwait(false))
            {
                LogNotInParty(_logger, whoAmI);
                await _queue.ConsumeAsync([item], cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!await _states.IsUsableAsync(whoAmI, cancellationToken).ConfigureAwait(false))
            {
                LogNotActive(_logger, whoAmI);
                await _queue.ConsumeAsync([item], cancellationToken).ConfigureAwait(false);
                continue;
            }

            var expected = port.ToString(CultureInfo.InvariantCulture);
            var mapped = await PortMapAsync(whoAmI, fresh: false, cancellationToken).ConfigureAwait(false);
            if (mapped != expected)
            {
                mapped = await PortMapAsync(whoAmI, fresh: true, cancellationToken).ConfigureAwait(false);
            }

            if (mapped != expected)
            {
                LogPortMismatch(_logger, whoAmI, port, mapped);
                await _queue.ConsumeAsync([item], cancellationToken).ConfigureAwait(false);
                continue;
            }

            return new DestinationSlot(item, ZnodeLayout.HostOfWhoAmI(whoAmI), port, whoAmI);
        }
    }

    /// <summary>
    /// Whether the destination is in party <c>allsd</c>: from a list kept until the party changes (a watch
    /// says when), read afresh before an answer of "no" drops the destination's entry.
    /// </summary>
    private async Task<bool> IsMemberAsync(string whoAmI, CancellationToken cancellationToken)
    {
        if (_members is not null && !_membersChanged.IsCompleted && _members.Contains(whoAmI))
        {
            return true;
        }

        (_members, _membersChanged) = await _everyone.GetMembersWithChangeAsync(cancellationToken).ConfigureAwait(false);
        _portMaps.Clear();
        return _members.Contains(whoAmI);
    }

    /// <summary>
    /// The destination's <c>portmap</c> entry: read once per destination while party <c>allsd</c> is unchanged (the entry is
    /// ephemeral and the whoami carries the pid, so a restarted destination is a new member under a new name);
    /// <paramref name="fresh"/> reads it anew (before a mismatch drops the destination). One read less per transfer.
    /// </summary>
    private async Task<string?> PortMapAsync(string whoAmI, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && _portMaps.TryGetValue(whoAmI, out var known))
        {
            return known;
        }

        var mapped = await session.ReadTextAsync(ZnodeLayout.PortMapEntry(session.Name, whoAmI), cancellationToken).ConfigureAwait(false);
        if (mapped is not null)
        {
            _portMaps[whoAmI] = mapped;
        }

        return mapped;
    }

    /// <summary>Gives the slot back for the next transfer (its entry stays in the queue).</summary>
    public Task ReleaseAsync(DestinationSlot slot, CancellationToken cancellationToken) => _queue.ReleaseAsync([slot.Item], cancellationToken);

    /// <summary>What gives the slot back inside another transaction (a batch's consume); null: give it back with
    /// <see cref="ReleaseAsync"/>. After that transaction applied, <see cref="Released"/>.</summary>
    public IReadOnlyList<Op>? ReleaseOps(DestinationSlot slot) => _queue.ReleaseOps(slot.Item);

    /// <summary>The transaction with <see cref="ReleaseOps"/> applied: the slot is back.</summary>
    public void Released(DestinationSlot slot) => _queue.Released(slot.Item);

    /// <summary>Skips a destination that just failed at the connection level, for a while.</summary>
    public void Avoid(string whoAmI, TimeSpan duration) => _avoided.Avoid(whoAmI, duration);

    private bool IsWanted(QueueItem item) =>
        !ZnodeLayout.TryParseDestQueueEntry(Encoding.UTF8.GetString(item.Value), out _, out var whoAmI) || !_avoided.IsAvoided(whoAmI);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropping malformed destQueue entry {Entry}")]
    private static partial void LogMalformed(ILogger logger, string entry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {WhoAmI} is not in party allsd: dropped")]
    private static partial void LogNotInParty(ILogger logger, string whoAmI);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {WhoAmI} is not active: dropped")]
    private static partial void LogNotActive(ILogger logger, string whoAmI);

    [LoggerMessage(Level = LogLevel.Error, Message = "Destination {WhoAmI}: port {Port} does not match portmap {Mapped}: dropped")]
    private static partial void LogPortMismatch(ILogger logger, string whoAmI, int port, string? mapped);
}
