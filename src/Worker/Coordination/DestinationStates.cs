using System.Text;
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
        UnderLockAsync(
            whoAmI,
            current => current == ZnodeLayout.DestActive ? Unchanged : new(ZnodeLayout.DestActive, current == ZnodeLayout.DestDisabled),
            createAs: ZnodeLayout.DestActive,
            cancellationToken);

    /// <summary>Marks an active destination paused (its base path is gone, or it cannot take more). Only the destination
    /// itself may create its (ephemeral) state node: another worker pauses it only while it exists.</summary>
    public Task<bool> PauseAsync(string whoAmI, bool own, CancellationToken cancellationToken) =>
        UnderLockAsync(
            whoAmI,
            current => current == ZnodeLayout.DestActive ? new(ZnodeLayout.DestPaused, true) : Unchanged,
            createAs: own ? string.Empty : null,
            cancellationToken);

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
            await UnderLockAsync(
                whoAmI,
                state => state == ZnodeLayout.DestPaused ? new(ZnodeLayout.DestDisabled, true) : Unchanged,
                createAs: null,
                cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static readonly Change Unchanged = new(null, false);

    /// <summary>What a state change decides from the current state: the new state (null: none), and what it returns.</summary>
    private readonly record struct Change(string? To, bool Result);

    /// <summary>
    /// Under <c>S/destslock</c>: creates the state node as <paramref name="createAs"/> when asked and missing (a destination's
    /// own node), else reads it and writes what <paramref name="decide"/> says. The write (or the create) and the lock's
    /// release are one transaction: the two flushed writes the original makes for them, and the next contender waits less.
    /// </summary>
    private async Task<bool> UnderLockAsync(string whoAmI, Func<string, Change> decide, string? createAs, CancellationToken cancellationToken)
    {
        var path = ZnodeLayout.DestState(session.Name, whoAmI);
        await session.EnsurePathAsync(ZnodeLayout.Dests(session.Name), cancellationToken).ConfigureAwait(false);
        var destsLock = session.NewLock(ZnodeLayout.DestsLock(session.Name), whoAmI);
        await destsLock.AcquireAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            if (createAs is not null)
            {
                try
                {
                    await destsLock.ReleaseWithAsync(
                        [Op.Create(path, Encoding.UTF8.GetBytes(createAs), session.Acl, CreateMode.Ephemeral)], cancellationToken).ConfigureAwait(false);
                    if (createAs.Length > 0)
                    {
                        LogChanged(_logger, whoAmI, string.Empty, createAs);
                    }

                    return decide(string.Empty).Result;
                }
                catch (NodeExistsException)
                {
                    // It exists (the lock is still held): change it below.
                }
            }

            if (await session.ReadTextAsync(path, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return false;
            }

            var change = decide(current);
            if (change.To is not { } to)
            {
                return change.Result;
            }

            await destsLock.ReleaseWithAsync([Op.SetData(path, Encoding.UTF8.GetBytes(to))], cancellationToken).ConfigureAwait(false);
            LogChanged(_logger, whoAmI, current, to);
            return change.Result;
        }
        finally
        {
            // A no-op when the lock went with the change.
            await destsLock.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Destination {WhoAmI}: {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string whoAmI, string from, string to);
}
