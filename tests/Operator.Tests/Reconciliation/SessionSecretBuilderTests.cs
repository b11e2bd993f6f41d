using System.Text;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class SessionSecretBuilderTests
{
    private static string Fixed(int bytes) => new('f', bytes * 2);

    [Fact]
    public void Secret_HoldsTheRsyncSecretAndTheSessionsOwnZooKeeperCredentials_OwnedByTheSession()
    {
        var secret = SessionSecretBuilder.Build(TestSessions.New(), Fixed);

        Assert.Equal(("home-zkrsync", "apps", "Opaque"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Type));
        Assert.Equal(TestSessions.Uid, Assert.Single(secret.Metadata.OwnerReferences).Uid);
        Assert.Equal(new string('f', 48) + "\n", Encoding.UTF8.GetString(secret.Data["rsync-secret"]));
        Assert.Equal("zkrs-apps-home-0c1d2e3f", Encoding.UTF8.GetString(secret.Data["user"]));
        Assert.Equal(new string('f', 32), Encoding.UTF8.GetString(secret.Data["password"]));
        Assert.Equal("home-zkrsync", SessionSecretBuilder.CredentialsSecretName(TestSessions.New()));
    }

    [Fact]
    public void Secret_WithCredentialsSecretRef_HoldsOnlyTheRsyncSecret()
    {
        var session = TestSessions.New(configure: s => s.ZooKeeper = new V1Alpha1ZooKeeperOptions { CredentialsSecretRef = new V1Alpha1SecretReference { Name = "mine" } });

        var secret = SessionSecretBuilder.Build(session, Fixed);

        Assert.Equal(["rsync-secret"], secret.Data.Keys);
        Assert.Equal("mine", SessionSecretBuilder.CredentialsSecretName(session));
    }

    [Fact]
    public void RandomHex_IsRandomAndOfTheAskedLength()
    {
        var a = SessionSecretBuilder.RandomHex(16);
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, SessionSecretBuilder.RandomHex(16));
        Assert.All(a, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)));
    }
}
