namespace ZkSync.Operator.Entities;

/// <summary>The resource's API coordinates, as the CRD in <c>crds/</c> declares them.</summary>
public static class ZkRsyncSessionResource
{
    public const string Group = "zksync.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
    public const string Kind = "ZkRsyncSession";
    public const string ListKind = "ZkRsyncSessionList";
    public const string Plural = "zkrsyncsessions";
    public const string ShortName = "zkrs";
    public const string CrdName = Plural + "." + Group;

    /// <summary>Names longer than this are refused by the CRD (Job, label and ZooKeeper names derive from them).</summary>
    public const int MaxNameLength = 40;
}
