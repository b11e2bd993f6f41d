using System.Globalization;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Contracts;

/// <summary>
/// Every znode name and format of the zkrsync wire protocol (docs/PROTOCOL.md, "Znode layout"), in one
/// place. <c>S</c> is <see cref="Session(string)"/> = <c>/admin/rsync/&lt;session&gt;</c>. The names kazoo's
/// recipes give their nodes (lock and party markers, queue children and entry names, the default
/// priority) are <see cref="KazooNames"/>'s, not repeated here.
/// </summary>
public static class ZnodeLayout
{
    /// <summary>Root of every vsc-zk tree.</summary>
    public const string Admin = "/admin";

    /// <summary>Parent of all rsync sessions.</summary>
    public const string RsyncBase = "/admin/rsync";

    /// <summary>The session used when <c>--session</c> is not given.</summary>
    public const string DefaultSession = "default";

    // ----- parties -----
    public const string PartiesNode = "parties";
    public const string PartyAll = "allsd";
    public const string PartySources = "sources";
    public const string PartyDestinations = "dests";

    // ----- fixed children of S -----
    public const string LockNode = "lock";
    public const string WatchNode = "watch";
    public const string ReadyNode = "ready";
    public const string PathQueueNode = "pathQueue";
    public const string DestQueueNode = "destQueue";
    public const string CompletedQueueNode = "completedQueue";
    public const string FailedQueueNode = "failedQueue";
    public const string OutputQueueNode = "outputQueue";
    public const string StatsNode = "stats";
    public const string DestsNode = "dests";
    public const string DestsLockNode = "destslock";
    public const string PortLockNode = "portlock";
    public const string UsedPortsNode = "usedports";
    public const string PortMapNode = "portmap";

    // ----- additions of ours (docs/PROTOCOL.md): original workers neither write nor read them -----
    public const string ProgressNode = "progress";
    public const string SummaryNode = "summary";
    public const string WalkCursorNode = "walkcursor";
    public const string FailuresNode = "failures";
    public const string DestFaultsNode = "destfaults";

    /// <summary>Name prefix of a failure record under <c>S/failures</c> (the server appends 10 digits).</summary>
    public const string FailurePrefix = "failure-";

    /// <summary>Priority of a path re-queued because no destination was available (kazoo's default, 100, is
    /// <see cref="KazooNames.DefaultPriority"/>).</summary>
    public const int RequeuePriority = 50;

    // ----- values -----
    public const string ReadyStart = "start";
    public const string ReadyStop = "stop";
    public const string DestActive = "active";
    public const string DestPaused = "paused";
    public const string DestDisabled = "disabled";

    /// <summary>Ports are tried from here upward unless <c>--startport</c> says otherwise.</summary>
    public const int DefaultStartPort = 4444;

    /// <summary>The 9 stats counters under <c>S/stats</c>, in the original's order.</summary>
    public static IReadOnlyList<string> StatKeys { get; } =
    [
        "Number_of_files",
        "Number_of_regular_files_transferred",
        "Total_file_size",
        "Total_transferred_file_size",
        "Literal_data",
        "Matched_data",
        "File_list_size",
        "Total_bytes_sent",
        "Total_bytes_received",
    ];

    /// <summary><c>/admin/rsync/&lt;session&gt;</c>.</summary>
    public static string Session(string session)
    {
        ValidateSessionName(session);
        return $"{RsyncBase}/{session}";
    }

    /// <summary><c>S/parties/&lt;party&gt;</c>.</summary>
    public static string Party(string session, string party) => $"{Session(session)}/{PartiesNode}/{party}";

    /// <summary><c>S/lock</c>: the master lock.</summary>
    public static string Lock(string session) => $"{Session(session)}/{LockNode}";

    /// <summary><c>S/watch</c>.</summary>
    public static string Watch(string session) => $"{Session(session)}/{WatchNode}";

    /// <summary><c>S/watch/ready</c>: <c>start</c>, later <c>stop</c>.</summary>
    public static string Ready(string session) => $"{Watch(session)}/{ReadyNode}";

    public static string PathQueue(string session) => $"{Session(session)}/{PathQueueNode}";
    public static string DestQueue(string session) => $"{Session(session)}/{DestQueueNode}";
    public static string CompletedQueue(string session) => $"{Session(session)}/{CompletedQueueNode}";
    public static string FailedQueue(string session) => $"{Session(session)}/{FailedQueueNode}";
    public static string OutputQueue(string session) => $"{Session(session)}/{OutputQueueNode}";

    /// <summary><c>&lt;queue&gt;/entries</c>.</summary>
    public static string QueueEntriesPath(string queue) => KazooNames.Combine(queue, KazooNames.QueueEntries);

    /// <summary><c>&lt;queue&gt;/taken</c>.</summary>
    public static string QueueTakenPath(string queue) => KazooNames.Combine(queue, KazooNames.QueueTaken);

    /// <summary><c>S/progress</c>: our master's <see cref="SessionProgress"/> (JSON), rewritten every progress interval.</summary>
    public static string Progress(string session) => $"{Session(session)}/{ProgressNode}";

    /// <summary><c>S/summary</c>: our master's <see cref="SessionSummaryDocument"/> (JSON), written at the end and left
    /// for the operator to read.</summary>
    public static string Summary(string session) => $"{Session(session)}/{SummaryNode}";

    /// <summary><c>S/walkcursor</c>: the last path entry our master queued (raw bytes, written in the same transaction as
    /// the put), so a master that takes over continues the walk after it.</summary>
    public static string WalkCursor(string session) => $"{Session(session)}/{WalkCursorNode}";

    /// <summary><c>S/failures</c>: one persistent sequential <c>failure-&lt;seq&gt;</c> per failed path, holding
    /// <see cref="FailureRecord"/>'s bytes (written by our sources with the failedQueue put).</summary>
    public static string Failures(string session) => $"{Session(session)}/{FailuresNode}";

    /// <summary>The prefix a failure record is created with: <c>S/failures/failure-</c>.</summary>
    public static string FailureRecordPrefix(string session) => $"{Failures(session)}/{FailurePrefix}";

    /// <summary>Parent of the destinations' fault records (<see cref="DestinationFault"/>): one per destination that
    /// stopped taking transfers because its file system is full, over quota or read-only.</summary>
    public static string DestFaults(string session) => $"{Session(session)}/{DestFaultsNode}";

    /// <summary>The fault record of destination <paramref name="whoami"/>.</summary>
    public static string DestFault(string session, string whoami) => $"{DestFaults(session)}/{whoami}";

    /// <summary><c>S/stats</c>.</summary>
    public static string Stats(string session) => $"{Session(session)}/{StatsNode}";

    /// <summary><c>S/stats/&lt;key&gt;</c>.</summary>
    public static string Stat(string session, string key) => $"{Stats(session)}/{key}";

    /// <summary><c>S/dests</c>.</summary>
    public static string Dests(string session) => $"{Session(session)}/{DestsNode}";

    /// <summary><c>S/dests/&lt;dest whoami&gt;</c>: <c>active</c>, <c>paused</c> or <c>disabled</c>.</summary>
    public static string DestState(string session, string whoami) => $"{Dests(session)}/{whoami}";

    public static string DestsLock(string session) => $"{Session(session)}/{DestsLockNode}";
    public static string PortLock(string session) => $"{Session(session)}/{PortLockNode}";

    /// <summary><c>S/usedports/&lt;host&gt;</c>.</summary>
    public static string UsedPorts(string session, string host) => $"{Session(session)}/{UsedPortsNode}/{host}";

    /// <summary><c>S/usedports/&lt;host&gt;/&lt;port&gt;</c>.</summary>
    public static string UsedPort(string session, string host, int port) =>
        string.Create(CultureInfo.InvariantCulture, $"{UsedPorts(session, host)}/{port}");

    /// <summary><c>S/portmap</c>.</summary>
    public static string PortMap(string session) => $"{Session(session)}/{PortMapNode}";

    /// <summary><c>S/portmap/&lt;dest whoami&gt;</c>: the port in ASCII decimal.</summary>
    public static string PortMapEntry(string session, string whoami) => $"{PortMap(session)}/{whoami}";

    /// <summary>The rsync daemon module of a session: <c>zkrs-&lt;session&gt;</c>.</summary>
    public static string RsyncModule(string session) => $"zkrs-{session}";

    /// <summary>A client's identity: <c>&lt;host&gt;:&lt;pid&gt;</c>.</summary>
    public static string WhoAmI(string host, int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{host}:{pid}");

    /// <summary>A destQueue entry: <c>&lt;port&gt;:&lt;dest whoami&gt;</c>.</summary>
    public static string DestQueueEntry(int port, string whoami) =>
        string.Create(CultureInfo.InvariantCulture, $"{port}:{whoami}");

    /// <summary>Splits a destQueue entry at its first <c>:</c> into port and whoami; false when malformed.</summary>
    public static bool TryParseDestQueueEntry(string entry, out int port, out string whoami)
    {
        ArgumentNullException.ThrowIfNull(entry);
        port = 0;
        whoami = string.Empty;
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == entry.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(entry.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        whoami = entry[(colon + 1)..];
        return true;
    }

    /// <summary>The host part of a whoami (<c>&lt;host&gt;:&lt;pid&gt;</c>): everything before the last <c>:</c>.</summary>
    public static string HostOfWhoAmI(string whoami)
    {
        ArgumentNullException.ThrowIfNull(whoami);
        var colon = whoami.LastIndexOf(':');
        return colon < 0 ? whoami : whoami[..colon];
    }

    /// <summary>What <see cref="IsValidSessionName"/> asks of a name, said as the fix for a bad one.</summary>
    public const string SessionNameRule = "use a non-empty name without '/', '[', ']' or control characters, other than '.' and '..'";

    /// <summary>Session names become a znode name and part of the rsync module name.</summary>
    public static bool IsValidSessionName(string session) =>
        !string.IsNullOrEmpty(session) && session is not "." and not ".." &&
        !session.Contains('/', StringComparison.Ordinal) &&
        !session.Any(c => char.IsControl(c) || c is ']' or '[');

    private static void ValidateSessionName(string session)
    {
        if (!IsValidSessionName(session))
        {
            throw new ArgumentException($"invalid session name '{session}'", nameof(session));
        }
    }
}
