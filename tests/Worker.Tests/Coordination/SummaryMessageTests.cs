using ZkSync.Contracts;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Tests.Coordination;

/// <summary>The one line of a session that ended because no destination could take more.</summary>
public sealed class SummaryMessageTests
{
    [Fact]
    public void DestinationsUnavailable_NamesTheDestinationTheErrorTheSpaceAndTheFix()
    {
        var full = new DestinationFault("node7:4711", "/new/home", SessionEndReason.DestinationFull, "write failed on \"/a/b\" (in zkrs-home): No space left on device (28)", 1536);

        Assert.Equal(
            "destination node7:4711 (/new/home) cannot take more: no space left (write failed on \"/a/b\" (in zkrs-home): No space left on device (28)); " +
            "1.5 KiB free there, the 57 unfinished paths hold 120.0 MiB on the source: free space there (or add a destination with room) and run the session again",
            SummaryMessage.DestinationsUnavailable([full], 57, 120L << 20, walkDone: true));
    }

    [Fact]
    public void DestinationsUnavailable_ReportedByASource_SaysWhatItDoesNotKnow_AndCountsTheOthers()
    {
        var readOnly = new DestinationFault("node7:4711", string.Empty, SessionEndReason.DestinationReadOnly, "mkstemp \"/x\" failed: Read-only file system (30)", null);
        var quota = readOnly with { Destination = "node8:1", Reason = SessionEndReason.QuotaExceeded };

        var line = SummaryMessage.DestinationsUnavailable([readOnly, quota], 3, 10, walkDone: false);

        Assert.StartsWith("destination node7:4711 (and 1 other destination(s)) cannot take more: read-only file system (mkstemp", line, StringComparison.Ordinal);
        Assert.Contains("its free space unknown, the 3 unfinished paths hold 10 B on the source, and the walk had not reached the rest", line, StringComparison.Ordinal);
        Assert.EndsWith("remount it read-write (or use another destination) and run the session again", line, StringComparison.Ordinal);
        Assert.EndsWith(
            "raise the quota of the user the destination writes as (or free space) and run the session again",
            SummaryMessage.DestinationsUnavailable([quota], 3, 10, walkDone: true),
            StringComparison.Ordinal);
    }
}
