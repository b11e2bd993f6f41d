namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Who a container's processes run as: the ids the runtime sets before exec.</summary>
public sealed record ProcessIdentity(long Uid, long Gid, IReadOnlyList<long> Groups)
{
    /// <summary>
    /// The ids as containerd computes them: uid from <c>runAsUser</c>, else the image's USER (a name looked up in
    /// the passwd file), else root; gid from <c>runAsGroup</c>, else the USER's group, else the uid's passwd
    /// entry, else 0; supplementary groups: the gid, then (policy <c>Merge</c>) the groups the user is a member
    /// of, then <c>supplementalGroups</c> and <c>fsGroup</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The image names a user or group the passwd or group file lacks
    /// (runc's "unable to find user").</exception>
    public static ProcessIdentity Resolve(EffectiveSecurityContext securityContext, ImageUser imageUser, UserDatabase users)
    {
        ArgumentNullException.ThrowIfNull(securityContext);
        ArgumentNullException.ThrowIfNull(imageUser);
        ArgumentNullException.ThrowIfNull(users);
        long? namedUserGid = null;
        var uid = securityContext.RunAsUser ?? imageUser.Uid;
        if (uid is null && imageUser.UserName is { } userName)
        {
            var found = users.FindUser(userName)
                ?? throw new ArgumentException($"unable to find user {userName}: no matching entries in passwd file");
            uid = found.Uid;
            namedUserGid = found.Gid;
        }

        uid ??= 0;
        var entry = users.FindUser(uid.Value);
        var gid = securityContext.RunAsGroup
            ?? imageUser.Gid
            ?? (imageUser.GroupName is { } groupName
                ? users.FindGroup(groupName) ?? throw new ArgumentException($"unable to find group {groupName}: no matching entries in group file")
                : (long?)null)
            ?? namedUserGid
            ?? entry?.Gid
            ?? 0;
        var groups = new List<long> { gid };
        if (securityContext.SupplementalGroupsPolicy != "Strict" && entry is { } user)
        {
            groups.AddRange(users.GroupsOf(user.Name));
        }

        groups.AddRange(securityContext.SupplementalGroups);
        if (securityContext.FsGroup is { } fsGroup)
        {
            groups.Add(fsGroup);
        }

        return new ProcessIdentity(uid.Value, gid, groups.Distinct().ToList());
    }
}
