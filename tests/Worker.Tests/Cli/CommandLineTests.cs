using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("zkrsync-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Parse_Help_ReturnsHelpText()
    {
        var help = Assert.IsType<ShowHelpCommand>(CommandLine.Parse(["-H"], NoEnv));
        Assert.Contains("Exit codes:", help.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Error_ReturnsOneLine()
    {
        var error = Assert.IsType<UsageErrorCommand>(CommandLine.Parse(["--servers", "zk"], NoEnv));
        Assert.Contains("No role given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Source_ReturnsRunCommand()
    {
        var run = Assert.IsType<RunZkRsyncCommand>(CommandLine.Parse(["--servers", "zk", "-S", "-r", "/d"], NoEnv, _ => 0));
        Assert.Equal(WorkerRole.Source, run.Options.Role);
    }

    [Fact]
    public void Parse_InitTree_ReadsServersAndPlanFromTheConfigFile()
    {
        var cfg = Path.Combine(_dir, "tree.cfg");
        File.WriteAllText(cfg, "[MAIN]\nservers=127.0.0.1:2181\n[root]\npasswd=admin\n[u]\npasswd=p\n[/admin]\nr=u\n");
        var run = Assert.IsType<RunInitTreeCommand>(CommandLine.Parse(["initree", "--configfiles", cfg], NoEnv));
        Assert.Equal(["127.0.0.1:2181"], run.Options.Servers);
        Assert.Equal("/admin", run.Options.Plan.Nodes.Single().Path);
    }

    [Fact]
    public void Parse_InitTreeWithoutConfig_IsAUsageError()
    {
        var error = Assert.IsType<UsageErrorCommand>(CommandLine.Parse(["initree", "--servers", "zk"], NoEnv));
        Assert.Contains("No config file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InitTreeHelp_ReturnsItsOwnHelp()
    {
        var help = Assert.IsType<ShowHelpCommand>(CommandLine.Parse(["initree", "--help"], NoEnv));
        Assert.Contains("zkrsync initree", help.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InitTreeServersFromEnvironment_UseZkinitreePrefix()
    {
        var cfg = Path.Combine(_dir, "tree2.cfg");
        File.WriteAllText(cfg, "[root]\npasswd=admin\n");
        var env = new Dictionary<string, string> { ["ZKINITREE_SERVERS"] = "zk:2181" };
        var run = Assert.IsType<RunInitTreeCommand>(CommandLine.Parse(["initree", "--configfiles", cfg], env));
        Assert.Equal(["zk:2181"], run.Options.Servers);
    }
}
