namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Where <see cref="LockingQueue.GetAsync"/> learns which entries to try. The get loop is the same for
/// every view: arm the change signal, <see cref="RefreshAsync"/>, try each name <see cref="TryNext"/>
/// hands out until one is taken, then — only if this round listed (so a watch armed after the signal
/// stands behind the wait) — wait for the signal; otherwise go round again, which lists.
/// </summary>
internal interface IQueueEntryView
{
    /// <summary>A task completing on the next child event of <c>entries</c> or <c>taken</c> after this call.</summary>
    Task<WatchedEvent> ArmChangeSignal();

    /// <summary>Lists both children with watches when the view needs to; true when it listed.</summary>
    Task<bool> RefreshAsync(CancellationToken cancellationToken);

    /// <summary>The next entry to try, if any is left to try before the next listing.</summary>
    bool TryNext([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name);

    /// <summary>The name last handed out was taken by this instance.</summary>
    void OnTaken();

    /// <summary>The name last handed out could not be taken: someone else holds it (<paramref name="heldByOther"/>), or it is gone.</summary>
    void OnMissed(bool heldByOther);
}
