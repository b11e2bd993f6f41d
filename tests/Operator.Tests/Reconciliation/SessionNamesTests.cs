using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class SessionNamesTests
{
    [Theory]
    [InlineData(WorkerRole.Master, "home-master")]
    [InlineData(WorkerRole.Sources, "home-sources")]
    [InlineData(WorkerRole.Destinations, "home-destinations")]
    public void Job_IsTheSessionNameAndRole(WorkerRole role, string expected) =>
        Assert.Equal(expected, SessionNames.Job("home", role));

    [Fact]
    public void JobNames_OfTheLongestSessionName_FitInALabelValue()
    {
        var longest = new string('a', ZkRsyncSessionResource.MaxNameLength);
        foreach (var role in Enum.GetValues<WorkerRole>())
        {
            Assert.True(SessionNames.Job(longest, role).Length <= 63, role.ToString());
        }

        Assert.True(SessionNames.Secret(longest).Length <= 63);
    }

    [Fact]
    public void ZooKeeperSession_IsNamespaceNameUidPrefixAndPass_AValidSessionAndModuleName()
    {
        var name = SessionNames.ZooKeeperSession("apps", "home", TestSessions.Uid, 3);

        Assert.Equal("apps-home-0c1d2e3f-3", name);
        Assert.True(ZnodeLayout.IsValidSessionName(name));
        Assert.Equal("/admin/rsync/apps-home-0c1d2e3f-3", SessionNames.ZooKeeperPath(name));
        Assert.StartsWith(SessionNames.ZooKeeperSessionPrefix("apps", "home", TestSessions.Uid), name, StringComparison.Ordinal);
        Assert.DoesNotContain(name, c => c is '[' or ']' or '/' or ' ');
    }

    [Fact]
    public void ZooKeeperUser_DiffersForARecreatedSessionOfTheSameName() =>
        Assert.NotEqual(
            SessionNames.ZooKeeperUser("apps", "home", "11111111-0000"),
            SessionNames.ZooKeeperUser("apps", "home", "22222222-0000"));

    [Fact]
    public void Labels_CarryRoleAndPass_AndRoundTrip()
    {
        var labels = SessionNames.Labels("home", WorkerRole.Sources, 12);

        Assert.Equal(SessionNames.ManagedBy, labels[SessionNames.LabelManagedBy]);
        Assert.Equal("home", labels[SessionNames.LabelSession]);
        Assert.Equal(12, SessionNames.PassOf(labels));
        Assert.Equal(WorkerRole.Sources, SessionNames.RoleOf(labels));
        Assert.All(labels.Values, v => Assert.True(v.Length <= 63));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("x")]
    [InlineData("-1")]
    public void PassOf_WithoutAValidLabel_IsNull(string? value)
    {
        var labels = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [SessionNames.LabelPass] = value };
        Assert.Null(SessionNames.PassOf(labels));
    }

    [Theory]
    [InlineData("home", true)]
    [InlineData("a-b-1", true)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("Home", false)]
    [InlineData("a.b", false)]
    [InlineData("", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void IsValidSessionName_FollowsTheCrdRules(string name, bool valid) =>
        Assert.Equal(valid, SessionNames.IsValidSessionName(name));
}
