using System.Globalization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>An image's USER split as the runtime reads it: a numeric uid or a user name, and an optional group.</summary>
public sealed record ImageUser(long? Uid, string? UserName, long? Gid, string? GroupName)
{
    /// <summary>An image with no USER runs as root.</summary>
    public static ImageUser Root { get; } = new(0, null, null, null);

    public static ImageUser Parse(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return Root;
        }

        var parts = user.Split(':', 2);
        var (uid, userName) = Split(parts[0]);
        var (gid, groupName) = parts.Length == 2 ? Split(parts[1]) : (null, null);
        return new ImageUser(uid, userName, gid, groupName);
    }

    private static (long? Id, string? Name) Split(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? (id, null) : (null, value);
}
