using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.Tests.Rsync;

public sealed class RsyncStatsParserTests
{
    private const string Rsync35 = """

        Number of files: 2 (reg: 1, dir: 1)
        Number of created files: 1 (reg: 1)
        Number of deleted files: 0
        Number of regular files transferred: 1
        Total file size: 1,234,567 bytes
        Total transferred file size: 3 bytes
        Literal data: 3 bytes
        Matched data: 0 bytes
        File list size: 0
        File list generation time: 0.001 seconds
        File list transfer time: 0.000 seconds
        Total bytes sent: 117
        Total bytes received: 35

        sent 117 bytes  received 35 bytes  304.00 bytes/sec
        total size is 3  speedup is 0.02
        """;

    [Fact]
    public void Parse_Rsync3Output_ReadsAllNineKeys()
    {
        var stats = RsyncStatsParser.Parse(Rsync35);
        Assert.Equal(9, stats.Values.Count);
        Assert.Equal(2, stats["Number_of_files"]);
        Assert.Equal(1, stats["Number_of_regular_files_transferred"]);
        Assert.Equal(1234567, stats["Total_file_size"]);
        Assert.Equal(3, stats["Total_transferred_file_size"]);
        Assert.Equal(3, stats["Literal_data"]);
        Assert.Equal(0, stats["Matched_data"]);
        Assert.Equal(0, stats["File_list_size"]);
        Assert.Equal(117, stats["Total_bytes_sent"]);
        Assert.Equal(35, stats["Total_bytes_received"]);
        Assert.Empty(stats.Unparsed);
    }

    [Fact]
    public void Parse_VerboseFileListThatLooksLikeStats_LastOccurrenceWins()
    {
        var stats = RsyncStatsParser.Parse("sending incremental file list\nLiteral data: 999999\n" + Rsync35);
        Assert.Equal(3, stats["Literal_data"]);
    }

    [Theory]
    [InlineData("rsync: --bogus: unknown option\nrsync error: syntax or usage error (code 1) at main.c(1795)\nUsage: rsync [OPTION]... SRC [SRC]... DEST\n")]
    [InlineData("Total file size:\nLiteral data: \nMatched data:    \n")]
    [InlineData("Total file size: lots bytes\n")]
    [InlineData("")]
    [InlineData(":::\n: x\n")]
    public void Parse_UnexpectedOutput_NeverThrows(string output)
    {
        var stats = RsyncStatsParser.Parse(output);
        Assert.Empty(stats.Values);
        Assert.Equal(0, stats["Total_file_size"]);
    }

    [Fact]
    public void Parse_KeyWithoutValue_IsReportedAsUnparsed()
    {
        var stats = RsyncStatsParser.Parse("Total file size:\n");
        Assert.Single(stats.Unparsed);
    }

    [Theory]
    [InlineData("1,234", 1234)]
    [InlineData("1.234.567", 1234567)]
    [InlineData("1'234", 1234)]
    [InlineData("42", 42)]
    [InlineData("1.23K", 1230)]
    [InlineData("4.5M", 4500000)]
    [InlineData("2G", 2000000000)]
    public void TryParseNumber_HandlesGroupingAndHumanReadable(string token, long expected)
    {
        Assert.True(RsyncStatsParser.TryParseNumber(token, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("K")]
    public void TryParseNumber_Garbage_Fails(string token)
    {
        Assert.False(RsyncStatsParser.TryParseNumber(token, out _));
    }

    [Fact]
    public void Parse_OldRsyncName_MapsToRegularFilesTransferred()
    {
        Assert.Equal(7, RsyncStatsParser.Parse("Number of files transferred: 7\n")["Number_of_regular_files_transferred"]);
    }

    [Fact]
    public void Parse_CrLfOutput_IsRead()
    {
        Assert.Equal(5, RsyncStatsParser.Parse("Total bytes sent: 5\r\n")["Total_bytes_sent"]);
    }
}
