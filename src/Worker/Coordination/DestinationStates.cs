using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// <c>S/dests/&lt;whoami&gt;</c>: a destination's state (<c>active</c>, <c>paused</c>, <c>disabled</c>), changed
/// only under the <c>S/destslock</c> lock with the destination's whoami as identifier, as the original does.
/// </summary>
internal sealed partial class DestinationStates(WorkerSession session)
{
    private readonly ILogger _logger = session.LoggerFactory.CreateLogger<DestinationStates>();

    /// <summary>Marks <paramref name="whoAmI"/> active; true when it had been disabled (so it must be queued again).</summary>
    public Task<bool> ActivateAsync(string whoAmI, CancellationToken cancellationToken) =>
        UnderLockAsync(whoAmI, async (path, current, token) =>
        {
            if (current == ZnodeLayout.DestActive)
            {
                return false;
            }

            await session.SetTextAsync(path, ZnodeLayout.DestActive, token).ConfigureAwait(false);
            LogChanged(_logger, whoAmI, current ?? string.Empty, ZnodeLayout.DestActive);
            return current == ZnodeLayout.DestDisabled;
        }, createIfMissing: true, cancellationToken);

    /// <summary>Marks an active destination paused (its base path is gone, or it cannot take more). Only the destination
    /// itself may create its (ephemeral) state node: another worker pauses it only while it exists.</summary>
    public Task<bool> PauseAsync(string whoAmI, bool own, CancellationToken cancellationToken) =>
        UnderLockAsync(whoAmI, async (path, current, token) =>
        {
            if (current != ZnodeLayout.DestActive)
            {
                return false;
            }

            await session.SetTextAsync(path, ZnodeLayout.DestPaused, token).ConfigureAwait(false);
            LogChanged(_logger, whoAmI, current, ZnodeLayout.DestPaused);
            return true;
        }, createIfMissing: own, cancellationToken);

    /// <summary>A source's check: true when active; a paused destination becomes disabled (the caller drops its entry).</summary>
    public async Task<bool> IsUsableAsync(string whoAmI, CancellationToken cancellationToken)
    {
        var path = ZnodeLayout.DestState(session.Name, whoAmI);
        var current = await session.ReadTextAsync(path, cancellationToken).ConfigureAwait(false);
        if (current == ZnodeLayout.DestActive)
        {
            return true;
        }

        if (current == ZnodeLayout.DestPaused)
        {
            await UnderLockAsync(whoAmI, async (lockedPath, state, token) =>
            {
                if (state == ZnodeLayout.DestPaused)
                {
                    await session.SetTextAsync(lockedPath, ZnodeLayout.DestDisabled, token).ConfigureAwait(false);
                    LogChanged(_logger, whoAmI, state, ZnodeLayout.DestDisabled);
                }

                return true;
            }, createIfMissing: false, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<bool> UnderLockAsync(
        string whoAmI,
        Func<string, string?, CancellationToken, Task<bool>> change,
        bool createIfMissing,
        CancellationToken cancellationToken)
    {
        var path = ZnodeLayout.DestState(session.Name, whoAmI);
        await session.EnsurePathAsync(ZnodeLayout.Dests(session.Name), cancellationToken).ConfigureAwait(false);
        var destsLock = session.NewLock(ZnodeLayout.DestsLock(session.Name), whoAmI);
        await destsLock.AcquireAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            if (createIfMissing)
            {
                try
                {
                    await session.CreateAsync(path, ReadOnlyMemory<byte>.Empty, CreateMode.Ephemeral, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeExistsException)
                {
                    // It exists: read its state below.
                }
            }

            var current = await session.ReadTextAsync(path, cancellationToken).ConfigureAwait(false);
            return current is not null && await change(path, current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await destsLock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {WhoAmI}: {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string whoAmI, string from, string to);
}
