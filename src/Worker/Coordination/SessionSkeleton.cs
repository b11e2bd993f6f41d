using ZkSync.Contracts;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// The persistent nodes of a session that its sources and destinations all need from their start (every one a node of
/// the original's session tree): whichever worker comes first makes them all in one transaction
/// (<see cref="WorkerSession.EnsureSessionNodesAsync"/>), the others find them with one read. Workers starting together
/// used to race node by node, and every create that lost was a failed write the ensemble logs and flushes.
/// <c>pathQueue</c> is not here: a new session's master clears it and makes it afresh before it lets the sources in.
/// </summary>
internal static class SessionSkeleton
{
    /// <summary>What a source (or master) or a destination on <paramref name="host"/> (null: none) makes or finds at its start.</summary>
    public static IReadOnlyList<string> Of(string session, string? host)
    {
        List<string> nodes =
        [
            ZnodeLayout.Party(session, ZnodeLayout.PartyAll),
            ZnodeLayout.Party(session, ZnodeLayout.PartySources),
            ZnodeLayout.Party(session, ZnodeLayout.PartyDestinations),
            ZnodeLayout.Lock(session),
            ZnodeLayout.Stats(session),
            ZnodeLayout.Dests(session),
            ZnodeLayout.DestsLock(session),
            ZnodeLayout.PortLock(session),
            ZnodeLayout.PortMap(session),
        ];
        foreach (var queue in new[] { ZnodeLayout.DestQueue(session), ZnodeLayout.CompletedQueue(session), ZnodeLayout.FailedQueue(session) })
        {
            nodes.Add(ZnodeLayout.QueueTakenPath(queue));
            nodes.Add(ZnodeLayout.QueueEntriesPath(queue));
        }

        if (host is not null)
        {
            nodes.Add(ZnodeLayout.UsedPorts(session, host));
        }

        return nodes;
    }
}
