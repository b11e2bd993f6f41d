using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class PassDecisionTests
{
    private static readonly DateTime Now = TestSessions.Created.AddHours(1);

    private static PassView NoJobs(int? pass) => PassView.From(pass, [], []);

    [Fact]
    public void NewSession_StartsItsFirstPass() =>
        Assert.Equal(PassTrigger.Initial, PassDecision.Decide(TestSessions.New(), NoJobs(null), Now).Start);

    [Fact]
    public void SuspendedNewSession_StartsNothing() =>
        Assert.Equal(PassTrigger.None, PassDecision.Decide(TestSessions.New(configure: s => s.Suspend = true), NoJobs(null), Now).Start);

    [Fact]
    public void RunningPass_IsNotStartedAgain()
    {
        var session = TestSessions.New(configure: s => s.Trigger = new V1Alpha1Trigger { Manual = "again" });
        session.Status.Pass = 1;
        Assert.Equal(PassTrigger.None, PassDecision.Decide(session, NoJobs(1), Now).Start);
    }

    [Fact]
    public void PassJobCreatedButNotYetInTheStatus_CountsAsRunning()
    {
        var session = TestSessions.New();
        var view = PassView.From(null, [TestSessions.Job(session, WorkerRole.Master, pass: 1)], []);

        Assert.Equal(1, view.Number);
        Assert.Equal(PassTrigger.None, PassDecision.Decide(session, view, Now).Start);
    }

    [Fact]
    public void FinishedPass_WithoutTriggers_StaysTheLast()
    {
        var session = Finished();
        Assert.Equal(PassTrigger.None, PassDecision.Decide(session, NoJobs(1), Now).Start);
    }

    [Fact]
    public void NewManualValue_StartsAnotherPass_TheOneAlreadySyncedDoesNot()
    {
        var session = Finished(s => s.Trigger = new V1Alpha1Trigger { Manual = "final" });
        Assert.Equal(PassTrigger.Manual, PassDecision.Decide(session, NoJobs(1), Now).Start);

        session.Status.LastManualSync = "final";
        Assert.Equal(PassTrigger.None, PassDecision.Decide(session, NoJobs(1), Now).Start);
    }

    [Fact]
    public void Schedule_StartsAPassWhenDue_AndSaysWhenTheNextIs()
    {
        var session = Finished(s => s.Trigger = new V1Alpha1Trigger { Schedule = "0 * * * *" });
        session.Status.LastSyncTime = new DateTime(2025, 3, 1, 10, 20, 0, DateTimeKind.Utc);

        var early = PassDecision.Decide(session, NoJobs(1), new DateTime(2025, 3, 1, 10, 59, 0, DateTimeKind.Utc));
        Assert.Equal(PassTrigger.None, early.Start);
        Assert.Equal(new DateTime(2025, 3, 1, 11, 0, 0, DateTimeKind.Utc), early.NextSyncTime);

        var due = PassDecision.Decide(session, NoJobs(1), new DateTime(2025, 3, 1, 11, 0, 0, DateTimeKind.Utc));
        Assert.Equal(PassTrigger.Schedule, due.Start);
    }

    [Fact]
    public void SuspendedSession_DoesNotStartAScheduledPass()
    {
        var session = Finished(s => { s.Trigger = new V1Alpha1Trigger { Schedule = "* * * * *" }; s.Suspend = true; });
        Assert.Equal(PassTrigger.None, PassDecision.Decide(session, NoJobs(1), Now.AddDays(1)).Start);
    }

    [Fact]
    public void InvalidSchedule_IsAStalledProblem_NamingTheField()
    {
        var decision = PassDecision.Decide(Finished(s => s.Trigger = new V1Alpha1Trigger { Schedule = "every day" }), NoJobs(1), Now);

        Assert.Equal(ConditionReasons.InvalidSpec, decision.ScheduleProblem?.Reason);
        Assert.StartsWith("spec.trigger.schedule: 'every day'", decision.ScheduleProblem!.Message, StringComparison.Ordinal);
        Assert.Null(decision.NextSyncTime);
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("0 0 2 * * *")]
    [InlineData("@daily")]
    public void TryParse_TakesCronJobSchedules(string text) => Assert.True(PassDecision.TryParse(text, out _, out _));

    private static V1Alpha1ZkRsyncSession Finished(Action<V1Alpha1ZkRsyncSessionSpec>? configure = null)
    {
        var session = TestSessions.New(configure: configure);
        session.Status.Pass = 1;
        session.Status.StartTime = TestSessions.Created;
        session.Status.CompletionTime = TestSessions.Created.AddMinutes(10);
        session.Status.LastSyncTime = session.Status.CompletionTime;
        return session;
    }
}
