using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Tests.Coordination;

/// <summary>Names and liveness of destinations' temporary directories (which the daemon filter must take literally).</summary>
public sealed class DaemonTempDirectoryTests
{
    [Theory]
    [InlineData("10.0.0.7:4711", "10.0.0.7_4711")]
    [InlineData("node7.example.org:12", "node7.example.org_12")]
    [InlineData("fe80::1:9", "fe80__1_9")]
    [InlineData("a*b[c]?:1", "a_b_c___1")]
    public void NameOf_KeepsOnlyCharactersAFilterTakesLiterally(string whoAmI, string name) =>
        Assert.Equal(name, DaemonTempDirectory.NameOf(whoAmI));

    [Fact]
    public void IsLive_OfThisHost_AsksTheProcess_OfAnotherHost_AsksTheSession()
    {
        var mine = DaemonTempDirectory.NameOf($"10.0.0.7:{Environment.ProcessId}");
        Assert.True(DaemonTempDirectory.IsLive(mine, "10.0.0.7", []));
        Assert.False(DaemonTempDirectory.IsLive(DaemonTempDirectory.NameOf($"10.0.0.7:{int.MaxValue}"), "10.0.0.7", ["10.0.0.7:" + int.MaxValue]));

        var other = DaemonTempDirectory.NameOf("10.0.0.8:42");
        Assert.True(DaemonTempDirectory.IsLive(other, "10.0.0.7", ["10.0.0.8:42"]));
        Assert.False(DaemonTempDirectory.IsLive(other, "10.0.0.7", ["10.0.0.8:43"]));
        Assert.True(DaemonTempDirectory.IsLive(other, "10.0.0.7", null));
    }

    [Fact]
    public void PrepareAndRemove_ClearWhatDeadDestinationsLeft_AndKeepTheBasesModificationTime()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        try
        {
            var stale = Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", DaemonTempDirectory.NameOf($"h:{int.MaxValue}"))).FullName;
            File.WriteAllText(Path.Combine(stale, "big.bin.AbC123"), "partial");
            var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            Directory.SetLastWriteTimeUtc(root, mtime);
            var name = DaemonTempDirectory.NameOf($"h:{Environment.ProcessId}");

            var removed = DaemonTempDirectory.Prepare(root, name, n => DaemonTempDirectory.IsLive(n, "h", []));

            Assert.Equal([Path.GetFileName(stale)], removed);
            Assert.Equal([Path.Combine(root, ".zkrsync-tmp", name)], Directory.EnumerateFileSystemEntries(Path.Combine(root, ".zkrsync-tmp")));

            DaemonTempDirectory.Remove(root, name, n => DaemonTempDirectory.IsLive(n, "h", []));

            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
            Assert.Equal(mtime, Directory.GetLastWriteTimeUtc(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Two destinations sharing a base: the second reads the base's time while the first's housekeeping has changed
    /// it, then the first puts it back; the second changed nothing and must not write what it read.</summary>
    [Fact]
    public void KeepingModificationTime_WhenThisCallChangedNothing_LeavesTheTimeAnotherDestinationRestored()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        try
        {
            var users = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            var housekeeping = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            Directory.SetLastWriteTimeUtc(root, housekeeping);

            DaemonTempDirectory.KeepingModificationTime(root, () =>
            {
                Directory.SetLastWriteTimeUtc(root, users);
                return false;
            });
            Assert.Equal(users, Directory.GetLastWriteTimeUtc(root));

            DaemonTempDirectory.KeepingModificationTime(root, () =>
            {
                Directory.CreateDirectory(Path.Combine(root, "made"));
                return true;
            });
            Assert.Equal(users, Directory.GetLastWriteTimeUtc(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Remove_OnceTheSessionEnded_ClearsEveryDirectory_ThoseOfDestinationsThatStillLookAlive()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        try
        {
            var name = DaemonTempDirectory.NameOf($"10.0.0.7:{Environment.ProcessId}");
            DaemonTempDirectory.Prepare(root, name, _ => true);

            // A destination killed outright (a pod deleted without grace) stays a session member until its ZooKeeper
            // session expires; a live one of another host is one too. Both keep their directories while the session goes on,
            // and when it is suspended (a resumed session's destination may already work in its own).
            var killed = DaemonTempDirectory.NameOf("10.0.0.8:2");
            var other = DaemonTempDirectory.NameOf("10.0.0.9:2");
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", killed)).FullName, ".big.bin.AbC123"), "partial");
            Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", other));
            string[] members = ["10.0.0.7:" + Environment.ProcessId, "10.0.0.8:2", "10.0.0.9:2"];
            bool Live(string n) => DaemonTempDirectory.IsLive(n, "10.0.0.7", members);

            Assert.Empty(DaemonTempDirectory.Remove(root, name, Live));
            Assert.Equal([killed, other], Directory.EnumerateDirectories(Path.Combine(root, ".zkrsync-tmp")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            DaemonTempDirectory.Prepare(root, name, Live);
            var removed = DaemonTempDirectory.Remove(root, name, Live, sessionEnded: true);

            Assert.Equal([killed, other], removed.Order(StringComparer.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Remove_EmptyDirectoriesGo_AndASymlinkIsRemovedWithoutFollowingIt()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        var outside = Directory.CreateTempSubdirectory("zkrsync-outside-").FullName;
        try
        {
            var name = DaemonTempDirectory.NameOf($"10.0.0.7:{Environment.ProcessId}");
            DaemonTempDirectory.Prepare(root, name, _ => true);
            Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", name, "a", "b", "c"));
            var other = Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", DaemonTempDirectory.NameOf("10.0.0.9:2"), "d")).FullName;
            File.WriteAllText(Path.Combine(outside, "keep.txt"), "not ours");
            File.CreateSymbolicLink(Path.Combine(other, "link"), outside);

            DaemonTempDirectory.Remove(root, name, _ => false, sessionEnded: true);

            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
            Assert.Equal("not ours", File.ReadAllText(Path.Combine(outside, "keep.txt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void Recreate_AfterTheDirectoryWasRemovedUnderTheDaemon_MakesItAgain_AndKeepsTheBasesModificationTime()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        try
        {
            var name = DaemonTempDirectory.NameOf($"10.0.0.7:{Environment.ProcessId}");
            DaemonTempDirectory.Prepare(root, name, _ => true);
            Assert.False(DaemonTempDirectory.Recreate(root, name));

            Directory.Delete(Path.Combine(root, ".zkrsync-tmp"), recursive: true);
            var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
            Directory.SetLastWriteTimeUtc(root, mtime);

            Assert.True(DaemonTempDirectory.Recreate(root, name));
            Assert.True(Directory.Exists(Path.Combine(root, ".zkrsync-tmp", name)));
            Assert.Equal(mtime, Directory.GetLastWriteTimeUtc(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void List_NamesTheDirectoriesThere_AndNothingWithoutTempRoot()
    {
        var root = Directory.CreateTempSubdirectory("zkrsync-tmpdir-").FullName;
        try
        {
            Assert.Empty(DaemonTempDirectory.List(root));
            var name = DaemonTempDirectory.NameOf($"10.0.0.7:{Environment.ProcessId}");
            DaemonTempDirectory.Prepare(root, name, _ => true);
            Directory.CreateDirectory(Path.Combine(root, ".zkrsync-tmp", "10.0.0.8_2"));

            Assert.Equal([name, "10.0.0.8_2"], DaemonTempDirectory.List(root).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
