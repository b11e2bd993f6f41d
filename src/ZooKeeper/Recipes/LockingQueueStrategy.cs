namespace ZkSync.ZooKeeper.Recipes;

/// <summary>How a <see cref="LockingQueue"/> finds entries to take. Both leave the same nodes on the wire
/// (<c>taken/&lt;name&gt;</c> holding the instance's id) and share a queue with kazoo and with each other.</summary>
public enum LockingQueueStrategy
{
    /// <summary>
    /// Keeps the untaken entries of the last listing and works through them, listing again only when
    /// they run out (or turn out stale); on contention it tries another cached entry of the same
    /// priority instead of waiting. A get costs O(1) requests instead of two O(n) listings, at the price
    /// of seeing entries put (or released) after the listing only once the cached ones are used up.
    /// </summary>
    Cached,

    /// <summary>kazoo 2.8's way, request for request: list <c>entries</c> and <c>taken</c> on every get, try
    /// only the first untaken entry, wait for the next child event when someone else took it.</summary>
    KazooListing,
}
