using System.Text;

namespace ZkSync.ZooKeeper;

/// <summary>One ACL entry: permissions granted to an identity (<c>scheme:id</c>).</summary>
public sealed record Acl(Permissions Permissions, string Scheme, string Id)
{
    /// <summary><c>world:anyone</c> with every permission: a node anybody may change.</summary>
    public static IReadOnlyList<Acl> OpenUnsafe { get; } = [World(Permissions.All)];

    /// <summary><c>world:anyone</c> read-only.</summary>
    public static IReadOnlyList<Acl> ReadUnsafe { get; } = [World(Permissions.Read)];

    /// <summary>Every permission for whoever the connection authenticated as (scheme <c>auth</c>).</summary>
    public static IReadOnlyList<Acl> CreatorAll { get; } = [new Acl(Permissions.All, "auth", string.Empty)];

    public static Acl World(Permissions permissions) => new(permissions, "world", "anyone");

    public static Acl Ip(string addressOrCidr, Permissions permissions) => new(permissions, "ip", addressOrCidr);

    /// <summary>A <c>digest</c> entry for the user whose password is given (the password itself is never stored).</summary>
    public static Acl Digest(string user, string password, Permissions permissions) =>
        new(permissions, "digest", DigestId(user, password));

    /// <summary>The digest scheme's id: <c>user:base64(sha1("user:password"))</c>, as the server and kazoo compute it.</summary>
    public static string DigestId(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var hash = Sha1.HashData(Encoding.UTF8.GetBytes(user + ":" + password));
        return user + ":" + Convert.ToBase64String(hash);
    }

    public override string ToString() => $"{Scheme}:{Id}:{Permissions}";
}
