using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// A destination that cannot take more (full, over quota, read-only): marked <c>paused</c> in <c>S/dests</c> — original
/// sources then disable it and drop its <c>destQueue</c> entry, as ours do — and the cause recorded under
/// <c>S/destfaults</c> for the master. The destination reports itself from its daemon's log; a source of ours that
/// sees the error first reports it too (the destination's record, which knows the free space, wins).
/// </summary>
internal sealed partial class DestinationFaults(WorkerSession session)
{
    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<DestinationFaults>();
    private readonly DestinationStates _states = new(session);

    /// <param name="fault">What happened.</param>
    /// <param name="own">Reported by the destination itself (its record replaces one a source wrote).</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public async Task ReportAsync(DestinationFault fault, bool own, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fault);

        // Paused before the record is written: a master woken by the record finds the destination not active.
        await _states.PauseAsync(fault.Destination, own, cancellationToken).ConfigureAwait(false);
        await session.EnsurePathAsync(ZnodeLayout.DestFaults(session.Name), cancellationToken).ConfigureAwait(false);
        var path = ZnodeLayout.DestFault(session.Name, fault.Destination);
        var data = fault.ToJson();
        try
        {
            await session.CreateAsync(path, data, CreateMode.Persistent, cancellationToken).ConfigureAwait(false);
            LogFault(_logger, fault.Destination, fault.Path, fault.Cause, fault.Error);
        }
        catch (NodeExistsException) when (own)
        {
            await session.Retry.ExecuteAsync(token => session.Client.SetDataAsync(path, data, -1, token), cancellationToken).ConfigureAwait(false);
        }
        catch (NodeExistsException)
        {
            // Reported already.
        }
    }

    /// <summary>Every fault recorded in this session, in destination order.</summary>
    public async Task<IReadOnlyList<DestinationFault>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var faults = new List<DestinationFault>();
        foreach (var child in (await session.ChildrenAsync(ZnodeLayout.DestFaults(session.Name), cancellationToken).ConfigureAwait(false)).Order(StringComparer.Ordinal))
        {
            if (await session.ReadAsync(ZnodeLayout.DestFault(session.Name, child), cancellationToken).ConfigureAwait(false) is { } data
                && DestinationFault.FromJson(data.Data) is { } fault)
            {
                faults.Add(fault);
            }
        }

        return faults;
    }

    /// <summary>Whether any destination of the session says <c>active</c> (can take transfers).</summary>
    public async Task<bool> AnyActiveAsync(CancellationToken cancellationToken)
    {
        foreach (var child in await session.ChildrenAsync(ZnodeLayout.Dests(session.Name), cancellationToken).ConfigureAwait(false))
        {
            if (await session.ReadTextAsync(ZnodeLayout.DestState(session.Name, child), cancellationToken).ConfigureAwait(false) == ZnodeLayout.DestActive)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Destination {WhoAmI} ({Path}) takes no more transfers: {Cause}: {Error}")]
    private static partial void LogFault(ILogger logger, string whoAmI, string path, string cause, string error);
}
