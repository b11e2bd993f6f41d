using ZkSync.ZooKeeper.Recipes;
using ZkSync.Contracts;

namespace ZkSync.Worker.Tests.Contracts;

public sealed class ZnodeLayoutTests
{
    [Fact]
    public void Paths_MatchTheProtocolTable()
    {
        const string s = "sess";
        Assert.Equal("/admin/rsync/sess", ZnodeLayout.Session(s));
        Assert.Equal("/admin/rsync/sess/parties/allsd", ZnodeLayout.Party(s, ZnodeLayout.PartyAll));
        Assert.Equal("/admin/rsync/sess/parties/sources", ZnodeLayout.Party(s, ZnodeLayout.PartySources));
        Assert.Equal("/admin/rsync/sess/parties/dests", ZnodeLayout.Party(s, ZnodeLayout.PartyDestinations));
        Assert.Equal("/admin/rsync/sess/lock", ZnodeLayout.Lock(s));
        Assert.Equal("/admin/rsync/sess/watch/ready", ZnodeLayout.Ready(s));
        Assert.Equal("/admin/rsync/sess/pathQueue/entries", ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(s)));
        Assert.Equal("/admin/rsync/sess/pathQueue/taken", ZnodeLayout.QueueTakenPath(ZnodeLayout.PathQueue(s)));
        Assert.Equal("/admin/rsync/sess/destQueue", ZnodeLayout.DestQueue(s));
        Assert.Equal("/admin/rsync/sess/completedQueue", ZnodeLayout.CompletedQueue(s));
        Assert.Equal("/admin/rsync/sess/failedQueue", ZnodeLayout.FailedQueue(s));
        Assert.Equal("/admin/rsync/sess/outputQueue", ZnodeLayout.OutputQueue(s));
        Assert.Equal("/admin/rsync/sess/stats/Literal_data", ZnodeLayout.Stat(s, "Literal_data"));
        Assert.Equal("/admin/rsync/sess/dests/node7:9561", ZnodeLayout.DestState(s, "node7:9561"));
        Assert.Equal("/admin/rsync/sess/destslock", ZnodeLayout.DestsLock(s));
        Assert.Equal("/admin/rsync/sess/portlock", ZnodeLayout.PortLock(s));
        Assert.Equal("/admin/rsync/sess/usedports/node7/4444", ZnodeLayout.UsedPort(s, "node7", 4444));
        Assert.Equal("/admin/rsync/sess/portmap/node7:9561", ZnodeLayout.PortMapEntry(s, "node7:9561"));
        Assert.Equal("zkrs-sess", ZnodeLayout.RsyncModule(s));
    }

    [Fact]
    public void QueueChildren_AreKazoosLockingQueueChildren_AndARequeuedPathGetsPriority50()
    {
        Assert.Equal("/admin/rsync/sess/pathQueue/entries", ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue("sess")));
        Assert.Equal("/admin/rsync/sess/pathQueue/taken", ZnodeLayout.QueueTakenPath(ZnodeLayout.PathQueue("sess")));
        Assert.Equal("entry-050-", KazooNames.QueueEntryPrefix(ZnodeLayout.RequeuePriority));
    }

    [Fact]
    public void StatKeys_AreTheNineOfTheProtocol()
    {
        Assert.Equal(9, ZnodeLayout.StatKeys.Count);
        Assert.Contains("Number_of_regular_files_transferred", ZnodeLayout.StatKeys);
    }

    [Fact]
    public void DestQueueEntry_RoundTrips()
    {
        Assert.Equal("4444:node7:9561", ZnodeLayout.DestQueueEntry(4444, "node7:9561"));
        Assert.True(ZnodeLayout.TryParseDestQueueEntry("4444:node7:9561", out var port, out var who));
        Assert.Equal((4444, "node7:9561"), (port, who));
        Assert.Equal("node7", ZnodeLayout.HostOfWhoAmI(who));
        Assert.False(ZnodeLayout.TryParseDestQueueEntry("x:node7:1", out _, out _));
        Assert.False(ZnodeLayout.TryParseDestQueueEntry("4444", out _, out _));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    public void Session_InvalidName_Throws(string name)
    {
        Assert.False(ZnodeLayout.IsValidSessionName(name));
        Assert.Throws<ArgumentException>(() => ZnodeLayout.Session(name));
    }

    [Fact]
    public void ExitCodes_AreDistinct()
    {
        var codes = ExitCodes.Descriptions.Select(d => d.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(14, ExitCodes.NoSuchSession);
        Assert.Equal(0, ExitCodes.Success);
        Assert.Equal(2, ExitCodes.Usage);
    }
}
