namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>Assertions about what a finished session leaves in ZooKeeper.</summary>
public static class SessionAssert
{
    /// <summary>The persistent nodes the original leaves behind after a clean session (relative to the session node), and
    /// our master's <c>S/summary</c> (kept for the operator).</summary>
    public static IReadOnlyList<string> Skeleton { get; } =
    [
        "",
        "/dests",
        "/destslock",
        "/lock",
        "/parties",
        "/parties/allsd",
        "/parties/dests",
        "/parties/sources",
        "/portlock",
        "/portmap",
        "/summary",
        "/usedports",
        "/usedports/127.0.0.1",
        "/watch",
    ];

    /// <summary>No queue, no watch/ready, no stats, no ephemeral node: only the persistent <see cref="Skeleton"/>.</summary>
    public static async Task OnlySkeletonLeftAsync(LocalSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var nodes = await session.ListZnodesAsync().ConfigureAwait(false);
        Assert.All(nodes, n => Assert.False(n.Ephemeral, $"ephemeral node left: {n.Path}"));
        Assert.Equal(Skeleton, nodes.Select(n => n.Path[session.SessionPath.Length..]).Order(StringComparer.Ordinal));
    }

    /// <summary>No ephemeral node, no queue, no <c>watch/ready</c>, no stats: what any ended session must leave,
    /// whichever workers took part (a session without destinations has no port nodes, an original master's no summary).</summary>
    public static async Task OnlyPersistentNodesWithoutQueuesAsync(LocalSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var nodes = await session.ListZnodesAsync().ConfigureAwait(false);
        Assert.All(nodes, n => Assert.False(n.Ephemeral, $"ephemeral node left: {n.Path}"));
        var relative = nodes.Select(n => n.Path[session.SessionPath.Length..]).ToList();
        Assert.All(relative, path => Assert.Contains(path, Skeleton));
    }

    /// <summary>Every path was completed exactly once across the session's masters (the <c>Completed Path</c> lines of
    /// every process): none was lost, none queued again after a takeover or a resume.</summary>
    public static void EveryPathCompletedOnce(LocalSession session, int entries)
    {
        ArgumentNullException.ThrowIfNull(session);
        var completed = session.Processes.SelectMany(CompletedPaths).ToList();
        Assert.Equal(entries, completed.Count);
        Assert.Equal(entries, completed.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>
    /// As <see cref="EveryPathCompletedOnce"/> when a master was SIGKILLed: it logs a batch's <c>Completed Path</c> lines
    /// after committing the batch, so the kill can take lines of paths its counts hold. The master that took over logs
    /// the count it found (<paramref name="completedAtTakeover"/>): the killed master logged at most that many, the
    /// rest of the session exactly the others, and no path appears twice.
    /// </summary>
    public static void EveryPathCompletedOnceAcrossAKill(LocalSession session, ZkRsyncProcess killedMaster, long completedAtTakeover, int entries)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(killedMaster);
        var beforeKill = CompletedPaths(killedMaster).ToList();
        var afterTakeover = session.Processes.Where(p => !ReferenceEquals(p, killedMaster)).SelectMany(CompletedPaths).ToList();
        Assert.InRange(beforeKill.Count, 1, completedAtTakeover);
        Assert.Equal(entries - completedAtTakeover, afterTakeover.Count);
        var all = beforeKill.Concat(afterTakeover).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    private static IEnumerable<string> CompletedPaths(ZkRsyncProcess process)
    {
        const string Marker = "Completed Path ";
        return process.Output.Split('\n')
            .Where(line => line.Contains(Marker, StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..]);
    }
}
