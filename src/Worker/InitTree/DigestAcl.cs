using ZkSync.ZooKeeper;

namespace ZkSync.Worker.InitTree;

/// <summary>One digest ACL entry: <c>digest</c> scheme, id <c>user:base64(sha1("user:password"))</c>.</summary>
public sealed record DigestAcl(string User, Permissions Permissions, string Id)
{
    /// <summary>The ACL scheme of every entry.</summary>
    public const string Scheme = "digest";

    /// <summary>kazoo's <c>make_digest_acl_credential</c>: <c>user:base64(sha1("user:password"))</c>.</summary>
    public static string DigestId(string user, string password) => Acl.DigestId(user, password);

    /// <summary>An entry for <paramref name="user"/> with <paramref name="password"/>.</summary>
    public static DigestAcl For(string user, string password, Permissions permissions) =>
        new(user, permissions, DigestId(user, password));
}
