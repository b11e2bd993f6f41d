using System.Globalization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The users and groups of the image's filesystem (the host's <c>/etc/passwd</c> and <c>/etc/group</c>), as the
/// runtime reads them to turn a USER name into ids and to find the groups a user belongs to.
/// </summary>
public sealed class UserDatabase
{
    private readonly List<(string Name, long Uid, long Gid, string Home)> _users;
    private readonly List<(string Name, long Gid, string[] Members)> _groups;

    public UserDatabase(string passwd, string group)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        ArgumentNullException.ThrowIfNull(group);
        _users = Lines(passwd)
            .Select(fields => fields.Length >= 4 && TryId(fields[2], out var uid) && TryId(fields[3], out var gid)
                ? (fields[0], uid, gid, fields.Length >= 6 && fields[5].Length > 0 ? fields[5] : "/") : default((string, long, long, string)?))
            .OfType<(string, long, long, string)>()
            .ToList();
        _groups = Lines(group)
            .Select(fields => fields.Length >= 3 && TryId(fields[2], out var gid)
                ? (fields[0], gid, fields.Length >= 4 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : [])
                : default((string, long, string[])?))
            .OfType<(string, long, string[])>()
            .ToList();
    }

    public static async Task<UserDatabase> ReadHostAsync(CancellationToken cancellationToken) => new(
        await ReadOrEmptyAsync("/etc/passwd", cancellationToken).ConfigureAwait(false),
        await ReadOrEmptyAsync("/etc/group", cancellationToken).ConfigureAwait(false));

    public (long Uid, long Gid)? FindUser(string name)
    {
        foreach (var user in _users)
        {
            if (user.Name == name)
            {
                return (user.Uid, user.Gid);
            }
        }

        return null;
    }

    /// <summary>The <c>HOME</c> runc gives a process of <paramref name="uid"/> that has none: the passwd entry's
    /// directory, else <c>/</c>.</summary>
    public string HomeOf(long uid) => _users.FirstOrDefault(user => user.Uid == uid).Home ?? "/";

    public (string Name, long Gid)? FindUser(long uid)
    {
        foreach (var user in _users)
        {
            if (user.Uid == uid)
            {
                return (user.Name, user.Gid);
            }
        }

        return null;
    }

    public long? FindGroup(string name)
    {
        foreach (var group in _groups)
        {
            if (group.Name == name)
            {
                return group.Gid;
            }
        }

        return null;
    }

    /// <summary>The groups listing <paramref name="userName"/> as a member, in file order.</summary>
    public IEnumerable<long> GroupsOf(string userName) =>
        _groups.Where(group => group.Members.Contains(userName, StringComparer.Ordinal)).Select(group => group.Gid);

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(':'));

    private static bool TryId(string value, out long id) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static async Task<string> ReadOrEmptyAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "";
}
