using ZkSync.Contracts;

namespace ZkSync.Worker.Rsync;

/// <summary>The 9 counters of one rsync run (keys of <see cref="ZnodeLayout.StatKeys"/>); missing keys are absent.</summary>
public sealed record RsyncStats(IReadOnlyDictionary<string, long> Values, IReadOnlyList<string> Unparsed)
{
    /// <summary>No counters.</summary>
    public static RsyncStats Empty { get; } = new(new Dictionary<string, long>(), []);

    /// <summary>A counter, 0 when rsync did not report it.</summary>
    public long this[string key] => Values.TryGetValue(key, out var v) ? v : 0;
}
