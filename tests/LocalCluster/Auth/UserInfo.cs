namespace ZkSync.LocalCluster.Auth;

/// <summary>Who made a request: user name, groups and uid, as the authenticators of a real server report it.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string? Uid = null)
{
    public const string AdminName = "kubernetes-admin";
    public const string MastersGroup = "system:masters";
    public const string AuthenticatedGroup = "system:authenticated";
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>The admin identity tests and kubectl use (kubeadm's <c>kubernetes-admin</c> in <c>system:masters</c>).</summary>
    public static UserInfo Admin { get; } = new(AdminName, [MastersGroup, AuthenticatedGroup]);

    public static UserInfo Anonymous { get; } = new("system:anonymous", ["system:unauthenticated"]);

    /// <summary>The user of a service account: <c>system:serviceaccount:NS:NAME</c> with its groups.</summary>
    public static UserInfo ServiceAccount(string ns, string name, string? uid) =>
        new($"{ServiceAccountPrefix}{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", AuthenticatedGroup], uid);

    public bool IsMaster => Groups.Contains(MastersGroup);
}
