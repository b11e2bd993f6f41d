using k8s.Models;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class SecurityContextTests
{
    private const string Pod = "web_default(1234)";

    private static readonly UserDatabase Users = new(
        "root:x:0:0:root:/root:/bin/bash\napp:x:1000:1001::/home/app:/bin/sh\n",
        "root:x:0:\napp:x:1001:\ndocker:x:999:app,other\nwheel:x:10:root\n");

    [Fact]
    public void HomeOf_IsThePasswdEntrysDirectory_ElseRoot_AsRuncSetsHome()
    {
        Assert.Equal("/home/app", Users.HomeOf(1000));
        Assert.Equal("/root", Users.HomeOf(0));
        Assert.Equal("/", Users.HomeOf(10001));
    }

    [Fact]
    public void Determine_ContainerFieldsOverridePodFields()
    {
        var effective = EffectiveSecurityContext.Determine(
            new V1PodSecurityContext { RunAsUser = 1, RunAsGroup = 2, RunAsNonRoot = true, SupplementalGroups = [5], FsGroup = 6 },
            new V1SecurityContext { RunAsUser = 3, ReadOnlyRootFilesystem = true, AllowPrivilegeEscalation = false });

        Assert.Equal(3, effective.RunAsUser);
        Assert.Equal(2, effective.RunAsGroup);
        Assert.True(effective.RunAsNonRoot);
        Assert.True(effective.ReadOnlyRootFilesystem);
        Assert.True(effective.NoNewPrivileges);
        Assert.Equal([5L], effective.SupplementalGroups);
        Assert.Equal(6, effective.FsGroup);
    }

    [Fact]
    public void Verify_RunAsNonRootWithAnImageThatRunsAsRootIsRefusedWithTheKubeletsMessage()
    {
        var effective = new EffectiveSecurityContext { RunAsNonRoot = true };

        Assert.Equal("container has runAsNonRoot and image will run as root (pod: \"web_default(1234)\", container: main)",
            RunAsNonRootPolicy.Verify(effective, ImageUser.Parse(null), Pod, "main"));
    }

    [Fact]
    public void Verify_RunAsNonRootWithRunAsUserZeroIsRefused() =>
        Assert.Equal("container's runAsUser breaks non-root policy (pod: \"web_default(1234)\", container: main)",
            RunAsNonRootPolicy.Verify(new EffectiveSecurityContext { RunAsNonRoot = true, RunAsUser = 0 }, ImageUser.Parse("1000"), Pod, "main"));

    [Fact]
    public void Verify_RunAsNonRootWithANamedImageUserCannotBeChecked() =>
        Assert.Equal("container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: \"web_default(1234)\", container: main)",
            RunAsNonRootPolicy.Verify(new EffectiveSecurityContext { RunAsNonRoot = true }, ImageUser.Parse("app"), Pod, "main"));

    [Fact]
    public void Verify_AllowsNonRootUsersAndContainersWithoutThePolicy()
    {
        Assert.Null(RunAsNonRootPolicy.Verify(new EffectiveSecurityContext { RunAsNonRoot = true, RunAsUser = 1000 }, ImageUser.Root, Pod, "main"));
        Assert.Null(RunAsNonRootPolicy.Verify(new EffectiveSecurityContext { RunAsNonRoot = true }, ImageUser.Parse("1000:1000"), Pod, "main"));
        Assert.Null(RunAsNonRootPolicy.Verify(new EffectiveSecurityContext(), ImageUser.Root, Pod, "main"));
        Assert.Null(RunAsNonRootPolicy.Verify(new EffectiveSecurityContext { RunAsNonRoot = false }, ImageUser.Root, Pod, "main"));
    }

    [Fact]
    public void Resolve_TakesTheSecurityContextThenAddsSupplementalAndFsGroups()
    {
        var identity = ProcessIdentity.Resolve(
            new EffectiveSecurityContext { RunAsUser = 1000, RunAsGroup = 3000, SupplementalGroups = [4000], FsGroup = 2000 }, ImageUser.Root, Users);

        Assert.Equal(new ProcessIdentity(1000, 3000, identity.Groups), identity);
        Assert.Equal([3000L, 999L, 4000L, 2000L], identity.Groups); // 999: app is a member of docker (policy Merge)
    }

    [Fact]
    public void Resolve_UnderStrictPolicyLeavesOutTheImagesGroups()
    {
        var identity = ProcessIdentity.Resolve(
            new EffectiveSecurityContext { RunAsUser = 1000, SupplementalGroupsPolicy = "Strict" }, ImageUser.Root, Users);

        Assert.Equal(1001, identity.Gid); // from the passwd entry of uid 1000
        Assert.Equal([1001L], identity.Groups);
    }

    [Fact]
    public void Resolve_ANamedImageUserIsLookedUpAndAnUnknownOneRefused()
    {
        var identity = ProcessIdentity.Resolve(new EffectiveSecurityContext(), ImageUser.Parse("app"), Users);

        Assert.Equal((1000L, 1001L), (identity.Uid, identity.Gid));
        var error = Assert.Throws<ArgumentException>(() => ProcessIdentity.Resolve(new EffectiveSecurityContext(), ImageUser.Parse("nobody-here"), Users));
        Assert.Equal("unable to find user nobody-here: no matching entries in passwd file", error.Message);
    }

    [Fact]
    public void Resolve_WithoutAnyUserRunsAsRoot()
    {
        var identity = ProcessIdentity.Resolve(new EffectiveSecurityContext(), ImageUser.Root, Users);

        Assert.Equal(new ProcessIdentity(0, 0, identity.Groups), identity);
        Assert.Equal([0L, 10L], identity.Groups);
    }
}
