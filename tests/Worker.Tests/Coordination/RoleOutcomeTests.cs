using ZkSync.Contracts;
using ZkSync.Worker.Coordination;

namespace ZkSync.Worker.Tests.Coordination;

/// <summary>Every combination of how a role can end (the stop cause as its number: the type is internal), and the exit code and end reason it gets.</summary>
public sealed class RoleOutcomeTests
{
    public static TheoryData<bool, int, long, long, int, string> Combinations()
    {
        var data = new TheoryData<bool, int, long, long, int, string>();
        foreach (var lost in new[] { false, true })
        {
            foreach (var stop in Enum.GetValues<StopCause>())
            {
                foreach (var failed in new long[] { 0, 2 })
                {
                    foreach (var unfinished in new long[] { 0, 5 })
                    {
                        var (code, reason) = Expected(lost, stop, failed, unfinished);
                        data.Add(lost, (int)stop, failed, unfinished, code, reason);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void ExitCodeAndReason_FollowLostSessionThenFaultThenPathsThenLeftThenSuccess(
        bool sessionLost, int stop, long failed, long unfinished, int exitCode, string reason)
    {
        var outcome = new RoleOutcome(sessionLost, (StopCause)stop, failed, unfinished);

        Assert.Equal(exitCode, outcome.ExitCode);
        Assert.Equal(reason, outcome.Reason);
        Assert.Contains(outcome.Reason, SessionEndReason.All);
    }

    [Fact]
    public void AFaultyStopSignal_IsACrash_NotASuccess()
    {
        Assert.Equal(ExitCodes.Crash, new RoleOutcome(false, StopCause.Fault).ExitCode);
        Assert.Equal(ExitCodes.Success, new RoleOutcome(false, StopCause.Signal).ExitCode);
        Assert.Equal(ExitCodes.Stopped, new RoleOutcome(false, StopCause.Left).ExitCode);
        Assert.Equal(ExitCodes.Success, RoleOutcome.Finished.ExitCode);
        Assert.Equal(ExitCodes.Crash, RoleOutcome.Lost.ExitCode);
    }

    [Theory]
    [InlineData(SessionEndReason.DestinationFull)]
    [InlineData(SessionEndReason.QuotaExceeded)]
    [InlineData(SessionEndReason.DestinationReadOnly)]
    public void ADestinationFault_EndsWithExit3AndItsReason_EvenWithNothingQueued_UnlessTheSessionWasLost(string reason)
    {
        Assert.Equal(ExitCodes.PathsFailed, new RoleOutcome(false, StopCause.Finished, 0, 0, reason).ExitCode);
        Assert.Equal(reason, new RoleOutcome(false, StopCause.Finished, 0, 4, reason).Reason);
        Assert.Equal(reason, new RoleOutcome(false, StopCause.Signal, 1, 4, reason).Reason);
        Assert.Equal(SessionEndReason.SessionLost, new RoleOutcome(true, StopCause.Fault, 0, 4, reason).Reason);
        Assert.Equal(ExitCodes.Crash, new RoleOutcome(false, StopCause.Fault, 0, 4, reason).ExitCode);
        Assert.True(SessionEndReason.IsDestinationFault(reason));
    }

    /// <summary>The rule, written out independently of <see cref="RoleOutcome"/>.</summary>
    private static (int Code, string Reason) Expected(bool lost, StopCause stop, long failed, long unfinished)
    {
        if (lost)
        {
            return (ExitCodes.Crash, SessionEndReason.SessionLost);
        }

        if (stop == StopCause.Fault)
        {
            return (ExitCodes.Crash, SessionEndReason.PathsFailed);
        }

        if (failed == 0 && unfinished == 0)
        {
            // Left a session that is not over (suspended, or going on without it): a Job replaces the pod.
            return (stop == StopCause.Left ? ExitCodes.Stopped : ExitCodes.Success, SessionEndReason.Completed);
        }

        var interrupted = (stop == StopCause.Signal || stop == StopCause.Left) && unfinished > 0;
        return (ExitCodes.PathsFailed, interrupted ? SessionEndReason.Interrupted : SessionEndReason.PathsFailed);
    }
}
