using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class RootFilesystemPlanTests
{
    // A GitHub-runner-like table: separate /run, /tmp and /boot, a read-only snap, a docker-style file mount.
    private const string MountInfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw
        23 22 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
        24 23 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:3 - cgroup2 cgroup2 rw
        25 22 0:5 / /proc rw,nosuid,nodev,noexec,relatime shared:4 - proc proc rw
        26 22 0:6 / /dev rw,nosuid,relatime shared:5 - devtmpfs udev rw,size=8M
        27 26 0:23 / /dev/shm rw,nosuid,nodev shared:6 - tmpfs tmpfs rw
        28 22 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:7 - tmpfs tmpfs rw,mode=755
        29 28 0:25 / /run/lock rw,nosuid,nodev,noexec,relatime shared:8 - tmpfs tmpfs rw
        30 22 7:1 / /snap/core/1 ro,nodev,relatime shared:9 - squashfs /dev/loop1 ro
        31 22 8:15 / /boot/efi rw,relatime shared:10 - vfat /dev/sda15 rw
        32 22 0:26 / /tmp rw,nosuid,nodev shared:11 - tmpfs tmpfs rw
        33 28 0:4 net:[4026532281] /run/netns/test rw shared:12 - nsfs nsfs rw
        34 22 8:1 /var/lib/docker/containers/abc/hosts /etc/hosts rw,relatime - ext4 /dev/root rw
        35 22 8:1 / /mnt/with\040space rw,relatime - ext4 /dev/sdb1 rw
        36 22 8:1 / /mnt/odd,name rw,relatime - ext4 /dev/sdb2 rw
        """;

    [Fact]
    public void Parse_ReadsEveryFieldAndUnescapesPaths()
    {
        var entries = MountInfoEntry.Parse(MountInfo);

        Assert.Equal(15, entries.Count);
        Assert.Equal(new MountInfoEntry(22, 1, "/", "/", "rw,relatime", "ext4", "/dev/root"), entries[0]);
        Assert.Equal("/mnt/with space", entries[13].MountPoint);
        Assert.True(entries[8].IsReadOnly);
        Assert.False(entries[7].IsReadOnly);
    }

    [Fact]
    public void Plan_OverlaysWritableMountsBindsReadOnlyOnesAndLeavesTheContainersOwn()
    {
        var directories = new HashSet<string> { "/", "/run", "/run/lock", "/snap/core/1", "/boot/efi", "/tmp", "/mnt/with space", "/mnt/odd,name" };

        var plan = RootFilesystemPlan.Plan(MountInfoEntry.Parse(MountInfo), directories.Contains);

        Assert.Equal(
            [
                ("/", "overlay"), ("/run", "overlay"), ("/tmp", "overlay"), ("/boot/efi", "overlay"), ("/etc/hosts", "bind"),
                ("/mnt/odd,name", "bind"), ("/mnt/with space", "overlay"), ("/run/lock", "overlay"), ("/snap/core/1", "bind"),
            ],
            plan.Select(layer => (layer.Path, layer.Mode)));
    }
}
