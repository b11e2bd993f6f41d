namespace ZkSync.ZooKeeper.Recipes;

/// <summary>What a claim of one queue entry came to.</summary>
internal enum ClaimOutcome
{
    /// <summary>This instance holds the entry now.</summary>
    Claimed,

    /// <summary>Another taker holds it.</summary>
    Held,

    /// <summary>It is gone (consumed since the listing).</summary>
    Gone,
}
