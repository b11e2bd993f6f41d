using System.Globalization;
using System.Text.RegularExpressions;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// The node names kazoo 2.8's recipes leave on the wire, in one place for every user (the recipes here,
/// the zkrsync layout in Contracts, the tests): a change here changes compatibility with the original
/// tool, and the interop tests pin every one of them.
/// </summary>
public static partial class KazooNames
{
    /// <summary>Lock contender marker: <c>&lt;uuid4 hex&gt;__lock__&lt;10-digit sequence&gt;</c>.</summary>
    public const string LockMarker = "__lock__";

    /// <summary>Party member marker: <c>&lt;uuid4 hex&gt;__party__</c>.</summary>
    public const string PartyMarker = "__party__";

    /// <summary>LockingQueue's child holding ephemeral "taken" markers, ensured before <see cref="QueueEntries"/>.</summary>
    public const string QueueTaken = "taken";

    /// <summary>LockingQueue's child holding the persistent sequential entries.</summary>
    public const string QueueEntries = "entries";

    /// <summary>Prefix of an entry's name before its priority: <c>entry-</c>.</summary>
    public const string QueueEntryStem = "entry-";

    public const int MinPriority = 0;

    public const int MaxPriority = 999;

    /// <summary>kazoo's default <c>put</c> priority.</summary>
    public const int DefaultPriority = 100;

    /// <summary>Python's <c>uuid.uuid4().hex</c>: 32 lowercase hex digits.</summary>
    public static string NewUuidHex() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    /// <summary>The prefix of a queue entry before the server's sequence suffix: <c>entry-%03d-</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The priority is outside <see cref="MinPriority"/>..<see cref="MaxPriority"/>.</exception>
    public static string QueueEntryPrefix(int priority)
    {
        if (priority is < MinPriority or > MaxPriority)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, $"The priority must be between {MinPriority} and {MaxPriority}.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{QueueEntryStem}{priority:D3}-");
    }

    /// <summary>A lock contender's name before the server's sequence suffix: <c>&lt;uuid4 hex&gt;__lock__</c>.</summary>
    public static string LockContenderPrefix(string uuidHex) => uuidHex + LockMarker;

    /// <summary>A party member's name: <c>&lt;uuid4 hex&gt;__party__</c>.</summary>
    public static string PartyMemberName(string uuidHex) => uuidHex + PartyMarker;

    /// <summary>Whether a child of a party node is a member (kazoo: <c>"__party__" in name</c>).</summary>
    public static bool IsPartyMember(string childName)
    {
        ArgumentNullException.ThrowIfNull(childName);
        return childName.Contains(PartyMarker, StringComparison.Ordinal);
    }

    /// <summary>The sequence suffix of a lock contender, or null when the name is no contender
    /// (kazoo: <c>re.search(r"(?:__lock__)(-?\d{10})$", name)</c>).</summary>
    public static string? LockSequence(string childName)
    {
        ArgumentNullException.ThrowIfNull(childName);
        var match = LockContender().Match(childName);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>Parent and child joined as kazoo does (<c>path + "/" + child</c>, root aware).</summary>
    public static string Combine(string parent, string child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.EndsWith('/') ? parent + child : parent + "/" + child;
    }

    [GeneratedRegex(@"__lock__(-?\d{10})$", RegexOptions.CultureInvariant)]
    private static partial Regex LockContender();
}
