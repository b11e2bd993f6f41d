using ZkSync.Contracts;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.Tests.Cli;

public sealed class HelpWriterTests
{
    [Fact]
    public void FullHelp_DocumentsEveryOptionItsDefaultAndTheExitCodes()
    {
        var text = HelpWriter.ZkRsync(HelpRequest.Full);
        foreach (var spec in ZkRsyncOptionsParser.Specs)
        {
            Assert.Contains("--" + spec.Name, text, StringComparison.Ordinal);
            if (spec.Short is { } c)
            {
                Assert.Contains($"-{c}, --{spec.Name}", text, StringComparison.Ordinal);
            }

            if (spec.Default is not null && spec.Kind != OptionKind.Flag)
            {
                Assert.Contains($"(default: {spec.Default})", text, StringComparison.Ordinal);
            }
        }

        foreach (var (code, meaning) in ExitCodes.Descriptions)
        {
            Assert.Contains(meaning, text, StringComparison.Ordinal);
        }

        Assert.Contains("ZKRSYNC_PASSWD", text, StringComparison.Ordinal);
        Assert.Contains("-H, --help", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortHelp_ListsOnlyOptionsWithAShortForm()
    {
        var text = HelpWriter.ZkRsync(HelpRequest.Short);
        Assert.Contains("-S, --source", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--rsubpaths", text, StringComparison.Ordinal);
    }

    [Fact]
    public void InitTreeHelp_ExplainsTheConfigFile()
    {
        var text = HelpWriter.InitTree(HelpRequest.Full);
        Assert.Contains("rwcda", text, StringComparison.Ordinal);
        Assert.Contains("ZKINITREE_SERVERS", text.Replace("ZKINITREE_<LONG_NAME>", "ZKINITREE_SERVERS", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
