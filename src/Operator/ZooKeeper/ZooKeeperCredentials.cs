namespace ZkSync.Operator.ZooKeeper;

/// <summary>Digest credentials (<c>user:password</c>). The password never appears in logs or ToString.</summary>
public sealed record ZooKeeperCredentials(string User, string Password)
{
    public override string ToString() => $"{User}:***";
}
