using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Testing;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Interop;

/// <summary>
/// <c>zkrsync initree --configfiles FILE</c> against a real server, checked with kazoo as each user: the
/// ACLs it writes are the original zkinitree's (root all, each user the letters given) and ZooKeeper
/// enforces them; a node that already existed keeps its data and gets its ACL replaced.
/// </summary>
public sealed class InitTreeAclTests(ZooKeeperServerFixture zooKeeper, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    /// <summary>Tries each operation as one user and prints a JSON object: operation → "ok" or the kazoo error name.</summary>
    private const string ProbeScript = """
        import json, sys
        from kazoo.client import KazooClient
        from kazoo.security import OPEN_ACL_UNSAFE
        hosts, base, user, passwd = sys.argv[1:5]
        auth = [("digest", user + ":" + passwd)] if user else []
        zk = KazooClient(hosts=hosts, auth_data=auth)
        zk.start(timeout=30)
        def attempt(f):
            try:
                f()
                return "ok"
            except Exception as e:
                return type(e).__name__
        def read(path):
            try:
                return "ok:" + (zk.get(path)[0] or b"").decode()
            except Exception as e:
                return type(e).__name__
        result = {
            "get": read(base),
            "set": attempt(lambda: zk.set(base, b"v-" + user.encode())),
            "create": attempt(lambda: zk.create(base + "/by-" + (user or "anyone"), b"", acl=OPEN_ACL_UNSAFE)),
            "delete": attempt(lambda: zk.delete(base + "/by-" + (user or "anyone"))),
            "getExisting": read(base + "/existing"),
            "setExisting": attempt(lambda: zk.set(base + "/existing", b"changed")),
            "getSub": read(base + "/sub"),
            "setSub": attempt(lambda: zk.set(base + "/sub", b"s")),
            "setAcl": attempt(lambda: zk.set_acls(base + "/sub", zk.get_acls(base + "/sub")[0])),
        }
        print(json.dumps(result))
        zk.stop()
        """;

    private const string AclScript = """
        import json, sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1], auth_data=[("digest", "root:admin")])
        zk.start(timeout=30)
        out = {}
        for path in sys.argv[2:]:
            acl, _ = zk.get_acls(path)
            data, _ = zk.get(path)
            out[path] = {"data": data.decode(), "acl": sorted("%s:%s:%d" % (a.id.scheme, a.id.id, a.perms) for a in acl)}
        print(json.dumps(out))
        zk.stop()
        """;

    private const string PrepareScript = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.security import OPEN_ACL_UNSAFE
        zk = KazooClient(hosts=sys.argv[1])
        zk.start(timeout=30)
        zk.create(sys.argv[2] + "/existing", b"kept", acl=OPEN_ACL_UNSAFE, makepath=True)
        zk.stop()
        """;

    [Fact]
    public async Task InitTree_ConfiguredAcls_AreEnforcedForEachUserAndResetOnAnExistingNode()
    {
        var ct = CancellationToken.None;
        var cs = zooKeeper.ConnectionString;
        var baseNode = "/it-" + Guid.NewGuid().ToString("N")[..8];
        using var scratch = new ScratchDirectory();
        var config = Path.Combine(scratch.Path, "zkinitree.cfg");
        await File.WriteAllTextAsync(config, $"""
            [root]
            passwd=admin

            [reader]
            passwd=rpw

            [writer]
            passwd=wpw

            [{baseNode}]
            r=reader
            rwcd=writer
            all=

            [{baseNode}/existing]
            r=reader

            [{baseNode}/sub]
            rw=writer
            """, ct);

        await zooKeeper.RunWithLogOnFailureAsync(output, async () =>
        {
            // A node that exists before, open to anyone: initree must lock it down.
            (await KazooScript.RunAsync(PrepareScript, [cs, baseNode], null, null, ct)).EnsureSuccess();

            await using var initree = ZkRsyncProcess.Start("initree", ["initree", "--servers", cs, "--configfiles", config]);
            var exit = await initree.WaitForExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(initree.Output);
            Assert.Equal(ExitCodes.Success, exit);

            var acls = JsonDocument.Parse((await KazooScript.RunAsync(AclScript, [cs, baseNode, baseNode + "/existing", baseNode + "/sub"], null, null, ct))
                .EnsureSuccess().StandardOutput).RootElement;
            string root = Digest("root", "admin", 31), reader = Digest("reader", "rpw", 1), writer = Digest("writer", "wpw", 1 | 2 | 4 | 8);
            Assert.Equal(new[] { reader, root, writer }.Order(StringComparer.Ordinal), Acl(acls, baseNode));
            Assert.Equal(new[] { reader, root }.Order(StringComparer.Ordinal), Acl(acls, baseNode + "/existing"));
            Assert.Equal(new[] { root, Digest("writer", "wpw", 1 | 2) }.Order(StringComparer.Ordinal), Acl(acls, baseNode + "/sub"));
            Assert.Equal("kept", acls.GetProperty(baseNode + "/existing").GetProperty("data").GetString());

            var asReader = await ProbeAsync(cs, baseNode, "reader", "rpw");
            Assert.Equal("ok:", asReader["get"]);
            Assert.Equal("NoAuthError", asReader["set"]);
            Assert.Equal("NoAuthError", asReader["create"]);
            Assert.Equal("ok:kept", asReader["getExisting"]);
            Assert.Equal("NoAuthError", asReader["setExisting"]);
            Assert.Equal("NoAuthError", asReader["getSub"]);
            Assert.Equal("NoAuthError", asReader["setAcl"]);

            var asWriter = await ProbeAsync(cs, baseNode, "writer", "wpw");
            Assert.Equal("ok", asWriter["set"]);
            Assert.Equal("ok", asWriter["create"]);
            Assert.Equal("ok", asWriter["delete"]);
            Assert.Equal("NoAuthError", asWriter["getExisting"]);
            Assert.Equal("ok:", asWriter["getSub"]);
            Assert.Equal("ok", asWriter["setSub"]);
            Assert.Equal("NoAuthError", asWriter["setAcl"]);

            var anonymous = await ProbeAsync(cs, baseNode, "", "");
            Assert.All(anonymous.Values, v => Assert.Equal("NoAuthError", v));

            var asRoot = await ProbeAsync(cs, baseNode, "root", "admin");
            Assert.All(asRoot, kv => Assert.StartsWith("ok", kv.Value, StringComparison.Ordinal));

            // Run again: every node exists now, and the ACLs come out the same.
            await using var again = ZkRsyncProcess.Start("initree-again", ["initree", "--servers", cs, "--configfiles", config]);
            Assert.Equal(ExitCodes.Success, await again.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            var after = JsonDocument.Parse((await KazooScript.RunAsync(AclScript, [cs, baseNode], null, null, ct)).EnsureSuccess().StandardOutput).RootElement;
            Assert.Equal(new[] { reader, root, writer }.Order(StringComparer.Ordinal), Acl(after, baseNode));
        });
    }

    private static string Digest(string user, string password, int perms) =>
        $"digest:{user}:{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes($"{user}:{password}")))}:{perms}";

    private static IEnumerable<string> Acl(JsonElement acls, string path) =>
        acls.GetProperty(path).GetProperty("acl").EnumerateArray().Select(a => a.GetString()!);

    private static async Task<Dictionary<string, string>> ProbeAsync(string cs, string baseNode, string user, string password)
    {
        var result = (await KazooScript.RunAsync(ProbeScript, [cs, baseNode, user, password], null, null, CancellationToken.None)).EnsureSuccess();
        return JsonSerializer.Deserialize<Dictionary<string, string>>(result.StandardOutput)!;
    }
}
