using Xunit.Abstractions;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Tests.Support;
using static ZkSync.ZooKeeper.Tests.Support.TestData;

namespace ZkSync.ZooKeeper.Tests.Client;

public sealed class AclTests(ClientServerFixture fixture, ITestOutputHelper output) : IClassFixture<ClientServerFixture>
{
    private static readonly ReadOnlyMemory<byte> Secret = Utf8("secret data");

    [Fact]
    public async Task DigestId_IsUserColonBase64OfSha1_AsKazooComputesIt()
    {
        using var timeout = new CancellationTokenSource(ClientTest.Timeout);
        (string User, string Password)[] credentials = [("alice", "secret"), ("bob", "p:ss:word"), ("zürich", "päss€"), ("empty", string.Empty)];
        const string script = """
            import sys
            from kazoo.security import make_digest_acl_credential
            args = sys.argv[1:]
            for user, password in zip(args[0::2], args[1::2]):
                print(make_digest_acl_credential(user, password))
            """;

        var result = await KazooScript.RunAsync(script, credentials.SelectMany(c => new[] { c.User, c.Password }), null, null, timeout.Token);

        var expected = result.EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, credentials.Select(c => Acl.DigestId(c.User, c.Password)));
        Assert.Equal("alice:" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Utf8("alice:secret"))), Acl.DigestId("alice", "secret"));
    }

    [Fact]
    public void DigestId_HashesLikeTheSystemSha1_AcrossEveryPaddingCase()
    {
        // Our SHA-1 (no OpenSSL to load in every worker): every length over three blocks, so the tail takes one padding block
        // or two (55 and 56 bytes, 64-byte boundaries), plus the FIPS 180 test vector of 56 bytes.
        var random = new Random(180);
        for (var length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA1.HashData(data), Sha1.HashData(data));
        }

        Assert.Equal("84983E441C3BD26EBAAE4AA1F95129E5E54670F1", Convert.ToHexString(Sha1.HashData(Utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))));
        var password = new string('p', 120);
        Assert.Equal(
            "u:" + Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Utf8("u:" + password))), Acl.DigestId("u", password));
    }

    [Fact]
    public Task DigestProtectedNode_WithoutAuth_ThrowsNoAuth() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/private", Secret, [Acl.Digest("alice", "secret", Permissions.All)], CreateMode.Persistent, t.Token);
            await using var stranger = await t.Chroot.ConnectAsync(t.Token);

            var read = await Assert.ThrowsAsync<NoAuthException>(() => stranger.GetDataAsync("/private", cancellationToken: t.Token));
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.SetDataAsync("/private", Utf8("x"), cancellationToken: t.Token));
            await Assert.ThrowsAsync<NoAuthException>(() => stranger.CreateAsync("/private/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token));
            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.GetDataAsync("/private", cancellationToken: t.Token));
            Assert.NotNull(await stranger.ExistsAsync("/private", cancellationToken: t.Token));
            Assert.Equal("/private", read.Path);
        });

    [Fact]
    public Task DigestProtectedNode_WithTheRightDigestAuth_CanBeReadAndChanged() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/private", Secret, [Acl.Digest("alice", "secret", Permissions.All)], CreateMode.Persistent, t.Token);
            await using var alice = await t.Chroot.ConnectAsync(t.Token);

            await alice.AddDigestAuthAsync("alice", "secret", t.Token);

            Assert.Equal("secret data", Text((await alice.GetDataAsync("/private", cancellationToken: t.Token)).Data));
            await alice.SetDataAsync("/private", Utf8("changed"), cancellationToken: t.Token);
            await alice.CreateAsync("/private/child", ReadOnlyMemory<byte>.Empty, Acl.OpenUnsafe, CreateMode.Persistent, t.Token);
        });

    [Fact]
    public Task DigestProtectedNode_WithTheWrongPassword_ThrowsNoAuth() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/private", Secret, [Acl.Digest("alice", "secret", Permissions.All)], CreateMode.Persistent, t.Token);
            await using var impostor = await t.Chroot.ConnectAsync(t.Token);

            await impostor.AddDigestAuthAsync("alice", "guess", t.Token);

            await Assert.ThrowsAsync<NoAuthException>(() => impostor.GetDataAsync("/private", cancellationToken: t.Token));
        });

    [Fact]
    public Task DigestAuth_IsSentAgainAfterAReconnect() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/private", Secret, [Acl.Digest("alice", "secret", Permissions.All)], CreateMode.Persistent, t.Token);
            await t.Client.AddDigestAuthAsync("alice", "secret", t.Token);
            var states = new EventQueue<ZooKeeperState>();
            t.Client.StateChanged += (_, state) => states.Add(state);

            t.Client.DropConnection();
            await states.UntilAsync(state => state == ZooKeeperState.Connected, "the client to reconnect");

            Assert.Equal("secret data", Text((await t.Client.GetDataAsync("/private", cancellationToken: t.Token)).Data));
        });

    [Fact]
    public Task CreatorAll_WithoutAuth_ThrowsInvalidAcl_AndWithDigestAuthStoresTheDigestId() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await Assert.ThrowsAsync<InvalidAclException>(() => t.Client.CreateAsync("/mine", ReadOnlyMemory<byte>.Empty, Acl.CreatorAll, CreateMode.Persistent, t.Token));

            await t.Client.AddDigestAuthAsync("carol", "pw", t.Token);
            await t.Client.CreateAsync("/mine", ReadOnlyMemory<byte>.Empty, Acl.CreatorAll, CreateMode.Persistent, t.Token);

            var acl = await t.Client.GetAclAsync("/mine", t.Token);
            Assert.Equal([Acl.Digest("carol", "pw", Permissions.All)], acl.Acl);
        });

    [Fact]
    public Task WorldReadOnlyNode_CanBeReadByAnyone_ButNotChanged() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/public", Utf8("read me"), Acl.ReadUnsafe, CreateMode.Persistent, t.Token);

            Assert.Equal("read me", Text((await t.Client.GetDataAsync("/public", cancellationToken: t.Token)).Data));
            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.SetDataAsync("/public", Utf8("x"), cancellationToken: t.Token));
            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.DeleteAsync("/public/none", cancellationToken: t.Token));
        });

    [Fact]
    public Task IpAcl_ForThisClientsAddress_GrantsAccess_AndForAnotherAddressRefusesIt() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            await t.Client.CreateAsync("/loopback", Utf8("local"), [Acl.Ip("127.0.0.1", Permissions.All)], CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/subnet", Utf8("local"), [Acl.Ip("127.0.0.0/8", Permissions.Read)], CreateMode.Persistent, t.Token);
            await t.Client.CreateAsync("/elsewhere", Utf8("remote"), [Acl.Ip("10.1.2.3", Permissions.All)], CreateMode.Persistent, t.Token);

            Assert.Equal("local", Text((await t.Client.GetDataAsync("/loopback", cancellationToken: t.Token)).Data));
            Assert.Equal("local", Text((await t.Client.GetDataAsync("/subnet", cancellationToken: t.Token)).Data));
            await Assert.ThrowsAsync<NoAuthException>(() => t.Client.GetDataAsync("/elsewhere", cancellationToken: t.Token));
        });

    [Fact]
    public Task AddAuth_WithAnUnknownScheme_FailsTheSessionWithAuthFailed() =>
        ClientTest.RunAsync(fixture, output, async t =>
        {
            var states = new EventQueue<ZooKeeperState>();
            t.Client.StateChanged += (_, state) => states.Add(state);

            await Assert.ThrowsAsync<AuthFailedException>(() => t.Client.AddAuthAsync("no-such-scheme", Utf8("x"), t.Token));

            await states.UntilAsync(state => state == ZooKeeperState.AuthFailed, "the AuthFailed state");
            Assert.Equal(ZooKeeperState.AuthFailed, t.Client.State);
            await Assert.ThrowsAsync<AuthFailedException>(() => t.Client.ExistsAsync("/", cancellationToken: t.Token));
        });
}
