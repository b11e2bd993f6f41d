using ZkSync.Contracts;
using ZkSync.Worker.Rsync;

namespace ZkSync.Worker.Tests.Rsync;

/// <summary>rsync's messages, as its client relays them and as its daemon logs them (rsync 3.1 without role tags, 3.2+ with),
/// told apart: the destination full, over quota or read-only, or something else.</summary>
public sealed class DestinationErrorsTests
{
    [Theory]
    [InlineData("rsync: [receiver] write failed on \"/d04/data\" (in zkrs-s): No space left on device (28)\nrsync error: error in file IO (code 11) at receiver.c(380) [receiver=3.4.1]",
        SessionEndReason.DestinationFull, "write failed on \"/d04/data\" (in zkrs-s): No space left on device (28)")]
    [InlineData("2026/12/07 02:03:37 [29104] rsync: [receiver] mkstemp \"/d/.f.NWLOFI\" (in m) failed: Read-only file system (30)",
        SessionEndReason.DestinationReadOnly, "mkstemp \"/d/.f.NWLOFI\" (in m) failed: Read-only file system (30)")]
    [InlineData("rsync: [generator] recv_generator: mkdir \"/x\" (in m) failed: Read-only file system (30)",
        SessionEndReason.DestinationReadOnly, "recv_generator: mkdir \"/x\" (in m) failed: Read-only file system (30)")]
    [InlineData("rsync: write failed on \"/home/a\" (in zkrs-home): Disk quota exceeded (122)",
        SessionEndReason.QuotaExceeded, "write failed on \"/home/a\" (in zkrs-home): Disk quota exceeded (122)")]
    [InlineData("sent 1 bytes\nrsync: [receiver] rename \"/a/.b.X\" -> \"a/b\" (in m): No space left on device (28)\n",
        SessionEndReason.DestinationFull, "rename \"/a/.b.X\" -> \"a/b\" (in m): No space left on device (28)")]
    public void Classify_ReceiverErrors_NamesTheReasonAndKeepsRsyncsLine(string output, string reason, string line)
    {
        var found = DestinationErrors.Classify(output);

        Assert.NotNull(found);
        Assert.Equal(reason, found.Value.Reason);
        Assert.Equal(line, found.Value.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("rsync: [sender] write failed on \"/tmp/x\": No space left on device (28)")]
    [InlineData("rsync: [receiver] mkstemp \"/a/.b.X\" (in m) failed: Permission denied (13)")]
    [InlineData("rsync: connection unexpectedly closed (0 bytes received so far) [sender]")]
    [InlineData("@ERROR: max connections (4) reached -- try again later")]
    [InlineData("No space left on device")]
    public void Classify_OtherErrors_IsNull(string output) => Assert.Null(DestinationErrors.Classify(output));
}
