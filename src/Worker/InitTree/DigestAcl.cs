using System.Security.Cryptography;
using System.Text;

namespace ZkSync.Worker.InitTree;

/// <summary>One digest ACL entry: <c>digest</c> scheme, id <c>user:base64(sha1("user:password"))</c>.</summary>
public sealed record DigestAcl(string User, ZkPermissions Permissions, string Id)
{
    /// <summary>The ACL scheme of every entry.</summary>
    public const string Scheme = "digest";

    /// <summary>kazoo's <c>make_digest_acl_credential</c>: <c>user:base64(sha1("user:password"))</c>.</summary>
    public static string DigestId(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}"));
        return $"{user}:{Convert.ToBase64String(hash)}";
    }

    /// <summary>An entry for <paramref name="user"/> with <paramref name="password"/>.</summary>
    public static DigestAcl For(string user, string password, ZkPermissions permissions) =>
        new(user, permissions, DigestId(user, password));
}
