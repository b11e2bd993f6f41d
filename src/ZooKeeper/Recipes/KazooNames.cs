using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// The node names kazoo 2.8's recipes leave on the wire, in one place: a change here changes
/// compatibility with the original tool, and the interop tests pin every one of them.
/// </summary>
internal static partial class KazooNames
{
    /// <summary>Lock contender marker: <c>&lt;uuid4 hex&gt;__lock__&lt;10-digit sequence&gt;</c>.</summary>
    public const string LockMarker = "__lock__";

    /// <summary>Party member marker: <c>&lt;uuid4 hex&gt;__party__</c>.</summary>
    public const string PartyMarker = "__party__";

    /// <summary>LockingQueue's child holding ephemeral "taken" markers, ensured before <see cref="QueueEntries"/>.</summary>
    public const string QueueTaken = "taken";

    public const string QueueEntries = "entries";

    public const int MinPriority = 0;

    public const int MaxPriority = 999;

    public const int DefaultPriority = 100;

    /// <summary>Python's <c>uuid.uuid4().hex</c>: 32 lowercase hex digits.</summary>
    public static string NewUuidHex() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    /// <summary>The prefix of a queue entry before the server's sequence suffix: <c>entry-%03d-</c>.</summary>
    public static string QueueEntryPrefix(int priority) =>
        string.Create(CultureInfo.InvariantCulture, $"entry-{priority:D3}-");

    /// <summary>The sequence suffix of a lock contender, or null when the name is no contender
    /// (kazoo: <c>re.search(r"(?:__lock__)(-?\d{10})$", name)</c>).</summary>
    public static string? LockSequence(string childName)
    {
        var match = LockContender().Match(childName);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>Parent and child joined as kazoo does (<c>path + "/" + child</c>, root aware).</summary>
    public static string Combine(string parent, string child) =>
        parent.EndsWith('/') ? parent + child : parent + "/" + child;

    [GeneratedRegex(@"__lock__(-?\d{10})$", RegexOptions.CultureInvariant)]
    private static partial Regex LockContender();
}
