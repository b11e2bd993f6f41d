using ZkSync.ZooKeeper;
using ZkSync.Worker.Cli;
using ZkSync.Worker.InitTree;

namespace ZkSync.Worker.Tests.InitTree;

public sealed class InitTreeConfigTests
{
    // The original's examples/zkinitree.cfg.
    private const string Example = """
        [MAIN]
        servers=127.0.0.1:2181

        [root]
        passwd=admin
        path=/

        [user1]
        passwd=xyz

        [user2]
        passwd=bar

        [sys]
        passwd=sis

        [user3]
        passwd=bla

        [user4]
        passwd=bla

        [user5]
        passwd=bla

        [rsync]
        passwd=w00f

        [kwaegema]
        passwd=w00f

        [/admin/rsync]
        rwcd=rsync,kwaegema
        all=

        [/admin]
        r=user5
        rw=user4,user3
        c=user3
        cd=user2
        rwcd=user1
        all=

        [/admin/tools]
        all=sys

        [/admin/user1]
        all=user1
        r=user2,user3
        rw=user4
        """;

    private static InitTreePlan Plan(string text)
    {
        var doc = new IniDocument();
        doc.Read(text, "zkinitree.cfg");
        return InitTreeConfig.Parse(doc);
    }

    [Fact]
    public void DigestId_MatchesKazoo()
    {
        // base64(sha1("root:admin")), as kazoo.security.make_digest_acl_credential computes it.
        Assert.Equal("root:+aZ1rdWwjvjfybxHYUKuYN+JRgw=", DigestAcl.DigestId("root", "admin"));
        Assert.Equal("rsync:0KwflrJL4rlFTU/9zzgRKT3XLwI=", DigestAcl.DigestId("rsync", "w00f"));
    }

    [Fact]
    public void Parse_Example_BuildsThePlanParentsFirst()
    {
        var plan = Plan(Example);
        Assert.Equal("admin", plan.RootPassword);
        Assert.Equal("/", plan.RootPath);
        Assert.Equal("root:admin", plan.RootCredential);
        Assert.Equal(["/admin", "/admin/rsync", "/admin/tools", "/admin/user1"], plan.Nodes.Select(n => n.Path));

        var admin = plan.Nodes[0];
        Assert.Equal(
            [
                ("root", Permissions.All),
                ("user5", Permissions.Read),
                ("user4", Permissions.Read | Permissions.Write),
                ("user3", Permissions.Read | Permissions.Write | Permissions.Create),
                ("user2", Permissions.Create | Permissions.Delete),
                ("user1", Permissions.Read | Permissions.Write | Permissions.Create | Permissions.Delete),
            ],
            admin.Acls.Select(a => (a.User, a.Permissions)));
        Assert.Equal("root:+aZ1rdWwjvjfybxHYUKuYN+JRgw=", admin.Acls[0].Id);
        Assert.Equal("user1:LHNv5zLBfUQMwJgrHlq/iCfbuGE=", admin.Acls.Single(a => a.User == "user1").Id);

        var tools = plan.Nodes.Single(n => n.Path == "/admin/tools");
        Assert.Equal([("root", Permissions.All), ("sys", Permissions.All)], tools.Acls.Select(a => (a.User, a.Permissions)));
        Assert.Equal(31, (int)Permissions.All);
    }

    [Theory]
    [InlineData("[u]\npasswd=x\n", "Root user not configured")]
    [InlineData("[root]\npath=/\n", "Root user not configured")]
    [InlineData("[root]\npasswd=a\n[u]\nfoo=bar\n", "User u has no password")]
    [InlineData("[root]\npasswd=a\n[/x]\nr=ghost\n", "User ghost not configured")]
    [InlineData("[root]\npasswd=a\n[u]\npasswd=p\n[/x]\nrx=u\n", "unknown permission 'x'")]
    [InlineData("[root]\npasswd=a\n[/x]\nephemeral=true\n", "ephemeral")]
    public void Parse_BadConfig_IsAUsageError(string text, string expected)
    {
        var e = Assert.Throws<UsageException>(() => Plan(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValueAndMakePath_AreRead()
    {
        var node = Plan("[root]\npasswd=a\n[/x/y]\nvalue=hello\nmakepath=yes\n").Nodes.Single();
        Assert.Equal(("hello", true), (node.Value, node.MakePath));
        Assert.Single(node.Acls);
    }

    [Theory]
    [InlineData("all", Permissions.All)]
    [InlineData("rwcda", Permissions.All)]
    [InlineData("dr", Permissions.Read | Permissions.Delete)]
    [InlineData("a", Permissions.Admin)]
    public void ParsePermissions_LettersMapToFlags(string key, Permissions expected)
    {
        Assert.Equal(expected, InitTreeConfig.ParsePermissions(key));
    }

    [Fact]
    public void Plan_ToString_HidesThePassword()
    {
        Assert.DoesNotContain("admin", Plan(Example).ToString(), StringComparison.Ordinal);
    }
}
