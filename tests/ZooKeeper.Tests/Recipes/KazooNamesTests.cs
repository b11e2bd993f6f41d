using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.ZooKeeper.Tests.Recipes;

/// <summary>The names kazoo 2.8 gives its recipes' nodes (the interop tests pin them against kazoo itself).</summary>
public sealed class KazooNamesTests
{
    private const string Uuid = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void MembersAndContenders_AreUuidHexWithKazoosMarkers()
    {
        Assert.Equal(Uuid + "__party__", KazooNames.PartyMemberName(Uuid));
        Assert.Equal(Uuid + "__lock__", KazooNames.LockContenderPrefix(Uuid));
        Assert.True(KazooNames.IsPartyMember(Uuid + "__party__"));
        Assert.False(KazooNames.IsPartyMember(Uuid + "__lock__0000000001"));
        Assert.Matches("^[0-9a-f]{32}$", KazooNames.NewUuidHex());
    }

    [Fact]
    public void LockSequence_IsTheTenDigitSuffixAfterTheLockMarker_ElseNull()
    {
        Assert.Equal("0000000042", KazooNames.LockSequence(Uuid + "__lock__0000000042"));
        Assert.Equal("-0000000042", KazooNames.LockSequence("x__lock__-0000000042"));
        Assert.Null(KazooNames.LockSequence(Uuid + "__party__"));
        Assert.Null(KazooNames.LockSequence(Uuid + "__lock__42"));
    }

    [Theory]
    [InlineData(0, "entry-000-")]
    [InlineData(50, "entry-050-")]
    [InlineData(KazooNames.DefaultPriority, "entry-100-")]
    [InlineData(999, "entry-999-")]
    public void QueueEntryPrefix_IsKazoosThreeDigitPriority(int priority, string prefix) =>
        Assert.Equal(prefix, KazooNames.QueueEntryPrefix(priority));

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public void QueueEntryPrefix_OutsideZeroTo999_Throws(int priority) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KazooNames.QueueEntryPrefix(priority));

    [Fact]
    public void Combine_JoinsAsKazooDoes_RootAware()
    {
        Assert.Equal("/q/entries", KazooNames.Combine("/q", KazooNames.QueueEntries));
        Assert.Equal("/taken", KazooNames.Combine("/", KazooNames.QueueTaken));
    }
}
