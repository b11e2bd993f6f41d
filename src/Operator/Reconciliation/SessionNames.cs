using System.Globalization;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// Every name, label and annotation the operator derives from a session, in one place. Names are deterministic,
/// so a retried create finds what an earlier attempt made. Session names are at most 40 characters (a CEL rule),
/// so <c>&lt;name&gt;-destinations</c> stays within the 63 characters of a label value.
/// </summary>
public static class SessionNames
{
    public const string ManagedBy = "zksync-operator";

    public const string LabelManagedBy = "app.kubernetes.io/managed-by";
    public const string LabelName = "app.kubernetes.io/name";
    public const string LabelInstance = "app.kubernetes.io/instance";
    public const string LabelComponent = "app.kubernetes.io/component";
    public const string LabelSession = "zksync.io/session";
    public const string LabelRole = "zksync.io/role";
    public const string LabelPass = "zksync.io/pass";

    /// <summary>The label selector of everything the operator creates (its Job and pod watches use it).</summary>
    public const string ManagedSelector = LabelManagedBy + "=" + ManagedBy;

    public const string Finalizer = "zksync.io/cleanup";
    public const string SkipCleanupAnnotation = "zksync.io/skip-cleanup";

    /// <summary>On the master Job: the <c>spec.trigger.manual</c> value the pass runs for.</summary>
    public const string ManualTriggerAnnotation = "zksync.io/manual-trigger";

    /// <summary>On the master Job: a hash of the spec fields a pass takes (counts, depth, rsync, workers ...).</summary>
    public const string SpecHashAnnotation = "zksync.io/spec-hash";

    /// <summary>On the master Job: where the pass's pods go, chosen at the pass's start: the node every pod is pinned to,
    /// <c>@session</c> (with the session's own pods), <c>@master</c> (workers pinned to the master pod's node), or "" (spread).</summary>
    public const string PinnedNodeAnnotation = "zksync.io/pinned-node";

    /// <summary>On the master Job: the ZooKeeper session (zkrsync's -N) of the pass.</summary>
    public const string ZooKeeperSessionAnnotation = "zksync.io/zookeeper-session";

    public const string ContainerName = "zkrsync";

    public static string Job(string session, WorkerRole role) => role switch
    {
        WorkerRole.Master => session + "-master",
        WorkerRole.Sources => session + "-sources",
        WorkerRole.Destinations => session + "-destinations",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string RoleLabel(WorkerRole role) => role switch
    {
        WorkerRole.Master => "master",
        WorkerRole.Sources => "source",
        WorkerRole.Destinations => "destination",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static WorkerRole? RoleOfLabel(string? label) => label switch
    {
        "master" => WorkerRole.Master,
        "source" => WorkerRole.Sources,
        "destination" => WorkerRole.Destinations,
        _ => null,
    };

    /// <summary>The Secret the operator owns for a session: the rsync secret, and the ZooKeeper credentials
    /// unless <c>spec.zookeeper.credentialsSecretRef</c> names the user's.</summary>
    public static string Secret(string session) => session + "-zkrsync";

    /// <summary>First 8 characters of the uid: two sessions of the same name (deleted and created again) differ.</summary>
    public static string ShortUid(string uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        return uid.Length <= 8 ? uid : uid[..8];
    }

    /// <summary>zkrsync's session name (-N) for a pass: <c>&lt;namespace&gt;-&lt;name&gt;-&lt;uid first 8&gt;-&lt;pass&gt;</c>,
    /// a valid znode name and rsync module name.</summary>
    public static string ZooKeeperSession(string @namespace, string name, string uid, int pass) =>
        string.Create(CultureInfo.InvariantCulture, $"{ZooKeeperSessionPrefix(@namespace, name, uid)}{pass}");

    /// <summary>What every pass's ZooKeeper session of a resource starts with (deletion removes them all).</summary>
    public static string ZooKeeperSessionPrefix(string @namespace, string name, string uid) =>
        $"{@namespace}-{name}-{ShortUid(uid)}-";

    /// <summary><c>/admin/rsync/&lt;session&gt;</c>.</summary>
    public static string ZooKeeperPath(string zooKeeperSession) => ZnodeLayout.Session(zooKeeperSession);

    /// <summary>The digest user of a session's own ZooKeeper credentials.</summary>
    public static string ZooKeeperUser(string @namespace, string name, string uid) => $"zkrs-{@namespace}-{name}-{ShortUid(uid)}";

    /// <summary>Labels of a session's Jobs and pods (one pass, one role).</summary>
    public static Dictionary<string, string> Labels(string session, WorkerRole role, int pass) => new(StringComparer.Ordinal)
    {
        [LabelManagedBy] = ManagedBy,
        [LabelName] = "zkrsync",
        [LabelInstance] = session,
        [LabelComponent] = RoleLabel(role),
        [LabelSession] = session,
        [LabelRole] = RoleLabel(role),
        [LabelPass] = pass.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Labels of the session's Secret.</summary>
    public static Dictionary<string, string> SecretLabels(string session) => new(StringComparer.Ordinal)
    {
        [LabelManagedBy] = ManagedBy,
        [LabelName] = "zkrsync",
        [LabelInstance] = session,
        [LabelSession] = session,
    };

    /// <summary>The pass number in a Job's or pod's labels, or null.</summary>
    public static int? PassOf(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(LabelPass, out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pass)
            ? pass
            : null;

    /// <summary>A label's or annotation's value, or null.</summary>
    public static string? ValueOf(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;

    /// <summary>The role in a Job's or pod's labels, or null.</summary>
    public static WorkerRole? RoleOf(IDictionary<string, string>? labels) => RoleOfLabel(ValueOf(labels, LabelRole));

    /// <summary>namespace/name: the work queue's key.</summary>
    public static string Key(string? @namespace, string name) => $"{@namespace}/{name}";

    /// <summary>Is the name one the CRD accepts (the CRD refuses others; resources created before it was installed may not)?</summary>
    public static bool IsValidSessionName(string name) =>
        name.Length is > 0 and <= ZkRsyncSessionResource.MaxNameLength
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-';
}
