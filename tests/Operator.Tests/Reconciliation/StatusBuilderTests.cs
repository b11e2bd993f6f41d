using k8s;
using k8s.Models;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Progress;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Tests.Reconciliation;

public sealed class StatusBuilderTests
{
    private static readonly DateTime Now = TestSessions.Created.AddMinutes(5);
    private const string ZkSession = "apps-home-0c1d2e3f-1";

    private static Dictionary<string, long> Stats(long files, long transferred, long size, long bytes) => new()
    {
        [ZnodeLayout.StatKeys[0]] = files,
        [ZnodeLayout.StatKeys[1]] = transferred,
        [ZnodeLayout.StatKeys[2]] = size,
        [ZnodeLayout.StatKeys[3]] = bytes,
    };

    private static SessionProgress Progress(long queued = 100, bool walkDone = true, long completed = 40, long failed = 0, long remaining = 60,
        double elapsed = 20, string master = "10.0.0.5:7", IReadOnlyList<FailedPath>? failures = null) =>
        new(queued, walkDone, completed, failed, remaining, 2, Stats(1000, 400, 1_000_000, 200_000), failures ?? [], elapsed,
            new DateTimeOffset(TestSessions.Created.AddMinutes(3).AddMilliseconds(250)), master);

    private static SessionSummaryDocument Summary(string reason = SessionEndReason.Completed, long completed = 100, long failed = 0, long unfinished = 0,
        IReadOnlyList<FailedPath>? failures = null, string message = "all 100 paths synced") =>
        new(ZkSession, completed, failed, unfinished, failures ?? [], Stats(2500, 2500, 9_000_000, 9_000_000), 60, failed > 0 ? 3 : 0, reason, message,
            new DateTimeOffset(TestSessions.Created.AddMinutes(4)));

    private static ZooKeeperObservation Zk(SessionProgress? progress = null, SessionSummaryDocument? summary = null, QueueCounts? queues = null,
        string? error = null, bool ready = true) => new(ZkSession, error, ready, progress, summary, queues);

    private static V1Alpha1ZkRsyncSessionStatus Build(V1Alpha1ZkRsyncSession session, IEnumerable<V1Job> jobs, IEnumerable<V1Pod>? pods = null,
        ZooKeeperObservation? zk = null, IReadOnlyList<SessionProblem>? problems = null, DateTime? next = null, DateTime? now = null) =>
        StatusBuilder.Build(new StatusInput(session, PassView.From(session.Status.Pass, [.. jobs], [.. pods ?? []]), zk, problems ?? [], next, now ?? Now));

    private static V1Condition Condition(V1Alpha1ZkRsyncSessionStatus status, string type) => Assert.Single(status.Conditions!, c => c.Type == type);

    private static void AssertConditions(V1Alpha1ZkRsyncSessionStatus status, bool ready, bool reconciling, bool stalled, bool complete, bool failed, bool suspended)
    {
        Assert.Equal(ConditionTypes.All, status.Conditions!.Select(c => c.Type));
        Assert.Equal(
            (ready, reconciling, stalled, complete, failed, suspended),
            (Is(ConditionTypes.Ready), Is(ConditionTypes.Reconciling), Is(ConditionTypes.Stalled), Is(ConditionTypes.Complete), Is(ConditionTypes.Failed), Is(ConditionTypes.Suspended)));

        bool Is(string type) => Condition(status, type).Status == "True";
    }

    [Fact]
    public void BeforeTheFirstPass_IsPending_WithEveryConditionAndTheGeneration()
    {
        var session = TestSessions.New();
        session.Metadata.Generation = 4;

        var status = Build(session, []);

        Assert.Equal(SessionPhase.Pending, status.Phase);
        Assert.Equal(4, status.ObservedGeneration);
        Assert.All(status.Conditions!, c => Assert.Equal(4, c.ObservedGeneration));
        Assert.All(status.Conditions!, c => Assert.Equal(Now, c.LastTransitionTime));
        AssertConditions(status, ready: false, reconciling: false, stalled: false, complete: false, failed: false, suspended: false);
        Assert.Null(status.Pass);
        Assert.Null(status.Workers);
        Assert.Equal("starting the first pass", status.Message);
    }

    [Fact]
    public void StartedPass_IsPendingUntilTheMasterRuns_WithItsZooKeeperPathStartAndDesiredWorkers()
    {
        var session = TestSessions.New(configure: s => s.Sources = 6);
        var master = TestSessions.Job(session, WorkerRole.Master);

        var status = Build(session, [master], zk: Zk(ready: false));

        Assert.Equal(SessionPhase.Pending, status.Phase);
        Assert.Equal(1, status.Pass);
        Assert.Equal("/admin/rsync/" + ZkSession, status.ZookeeperPath);
        Assert.Equal(master.Metadata.CreationTimestamp, status.StartTime);
        Assert.Equal((6, 6, 0, 0), (status.Workers!.SourcesDesired, status.Workers.DestinationsDesired, status.Workers.SourcesReady, status.Workers.DestinationsReady));
        AssertConditions(status, ready: false, reconciling: true, stalled: false, complete: false, failed: false, suspended: false);
        Assert.Equal(ConditionReasons.PassStarting, Condition(status, ConditionTypes.Reconciling).Reason);
        Assert.Equal("pass 1: starting the master", status.Message);
    }

    [Fact]
    public void RunningPass_TakesItsNumbersFromTheMastersProgress()
    {
        var session = TestSessions.New(configure: s => { s.Sources = 2; s.Destinations = 1; });
        var jobs = new[] { TestSessions.Job(session, WorkerRole.Master), TestSessions.Job(session, WorkerRole.Sources), TestSessions.Job(session, WorkerRole.Destinations) };
        var pods = new[]
        {
            TestSessions.Pod("home-master-x", WorkerRole.Master, ip: "10.0.0.4"),
            TestSessions.Pod("home-sources-0-a", WorkerRole.Sources, ip: "10.0.0.5"),
            TestSessions.Pod("home-sources-1-b", WorkerRole.Sources, ready: false, phase: "Pending"),
            TestSessions.Pod("home-destinations-0-c", WorkerRole.Destinations, ip: "10.0.0.6"),
            TestSessions.Pod("old-pass-pod", WorkerRole.Sources, pass: 0),
        };
        var failures = new[] { new FailedPath("/data/source/a/b", "rsync: permission denied (13)") };

        var status = Build(session, jobs, pods, Zk(Progress(completed: 35, failed: 5, remaining: 60, failures: failures)));

        Assert.Equal(SessionPhase.Running, status.Phase);
        Assert.Equal(new V1Alpha1PathCounts { Total = 100, Completed = 35, Failed = 5, Remaining = 60 }, status.Paths);
        Assert.Equal(new V1Alpha1FileCounts { Total = 1000, Transferred = 400 }, status.Files);
        Assert.Equal(new V1Alpha1ByteCounts { Total = 1_000_000, Transferred = 200_000 }, status.Bytes);
        Assert.Equal(40, status.ProgressPercent);
        Assert.Equal(10_000, status.ThroughputBytesPerSecond); // 200,000 bytes in 20 s
        Assert.Equal("30s", status.Eta); // 40 done in 20 s, 60 left
        Assert.Equal(TestSessions.Created.AddMinutes(3), status.LastProgressTime);
        Assert.Equal(new V1Alpha1FailedPath { Path = "a/b", Error = "rsync: permission denied (13)" }, Assert.Single(status.FailedPaths!));

        // The master moved to a source pod (failover): the progress names its address.
        Assert.Equal(new V1Alpha1WorkerCounts { Master = "home-sources-0-a", SourcesReady = 1, SourcesDesired = 2, DestinationsReady = 1, DestinationsDesired = 1 }, status.Workers);
        AssertConditions(status, ready: false, reconciling: true, stalled: false, complete: false, failed: false, suspended: false);
        Assert.Equal(ConditionReasons.PassRunning, Condition(status, ConditionTypes.Reconciling).Reason);
        Assert.Equal("pass 1: 40/100 paths done, 5 failed, ETA 30s", status.Message);
    }

    [Fact]
    public void WhileTheWalkGoesOn_ProgressStaysBelow100_AndThereIsNoEta()
    {
        var session = TestSessions.New();
        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], zk: Zk(Progress(queued: 10, walkDone: false, completed: 10, remaining: 0)));

        Assert.Equal(99, status.ProgressPercent);
        Assert.Null(status.Eta);
    }

    [Fact]
    public void Summary_EndsThePass_Succeeded_WithItsNumbers_AndRecordsTheManualTrigger()
    {
        var session = TestSessions.New(configure: s => s.Trigger = new V1Alpha1Trigger { Manual = "final" });
        var master = TestSessions.Job(session, WorkerRole.Master);
        master.Metadata.Annotations[SessionNames.ManualTriggerAnnotation] = "final";

        var status = Build(session, [master], zk: Zk(Progress(), Summary()));

        Assert.Equal(SessionPhase.Succeeded, status.Phase);
        AssertConditions(status, ready: true, reconciling: false, stalled: false, complete: true, failed: false, suspended: false);
        Assert.Equal(ConditionReasons.Completed, Condition(status, ConditionTypes.Ready).Reason);
        Assert.Equal(new V1Alpha1PathCounts { Total = 100, Completed = 100, Failed = 0, Remaining = 0 }, status.Paths);
        Assert.Equal(100, status.ProgressPercent);
        Assert.Equal(150_000, status.ThroughputBytesPerSecond);
        Assert.Null(status.Eta);
        Assert.Equal(TestSessions.Created.AddMinutes(4), status.CompletionTime);
        Assert.Equal(status.CompletionTime, status.LastSyncTime);
        Assert.Equal("final", status.LastManualSync);
        Assert.Equal("pass 1 completed: 100 paths, 2500 files and 9000000 bytes transferred", status.Message);
    }

    [Theory]
    [InlineData(SessionEndReason.PathsFailed, ConditionReasons.PathsFailed)]
    [InlineData(SessionEndReason.DestinationFull, ConditionReasons.DestinationFull)]
    [InlineData(SessionEndReason.DestinationReadOnly, ConditionReasons.DestinationReadOnly)]
    [InlineData(SessionEndReason.QuotaExceeded, ConditionReasons.QuotaExceeded)]
    [InlineData(SessionEndReason.Interrupted, ConditionReasons.Interrupted)]
    [InlineData(SessionEndReason.SessionLost, ConditionReasons.SessionLost)]
    [InlineData("somethingNew", ConditionReasons.PathsFailed)]
    public void FailedSummary_FailsThePass_WithItsReasonMessageAndPaths(string endReason, string conditionReason)
    {
        var session = TestSessions.New();
        var failures = new[] { new FailedPath("/data/source/x", "No space left on device (28)") };

        // The master exits after its summary (exit code 3 fails its Job at once); the summary names the cause.
        var master = TestSessions.Job(session, WorkerRole.Master).WithCondition("Failed", "PodFailurePolicy", "Container zkrsync exited with 3");
        var status = Build(session, [master],
            zk: Zk(summary: Summary(endReason, completed: 90, failed: 1, unfinished: 9, failures, message: "destination full: 10 paths not synced")));

        Assert.Equal(SessionPhase.Failed, status.Phase);
        AssertConditions(status, ready: false, reconciling: false, stalled: true, complete: false, failed: true, suspended: false);
        var failed = Condition(status, ConditionTypes.Failed);
        Assert.Equal((conditionReason, "destination full: 10 paths not synced"), (failed.Reason, failed.Message));
        Assert.Equal(conditionReason, Condition(status, ConditionTypes.Stalled).Reason);
        Assert.Equal(new V1Alpha1PathCounts { Total = 100, Completed = 90, Failed = 1, Remaining = 9 }, status.Paths);
        Assert.Equal(91, status.ProgressPercent);
        Assert.Equal("x", Assert.Single(status.FailedPaths!).Path);
        Assert.Equal("destination full: 10 paths not synced", status.Message);
    }

    [Fact]
    public void FailedPaths_AreListedUpTo50()
    {
        var session = TestSessions.New();
        var failures = Enumerable.Range(0, 70).Select(i => new FailedPath($"/data/source/d{i}", "e")).ToList();

        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], zk: Zk(summary: Summary(SessionEndReason.PathsFailed, 30, 70, 0, failures)));

        Assert.Equal(50, status.FailedPaths!.Count);
        Assert.Equal(70, status.Paths!.Failed);
    }

    [Fact]
    public void FailedMasterJob_WithoutSummary_FailsThePassWithTheJobsReason()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master).WithCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");

        var status = Build(session, [master], zk: Zk(Progress()));

        Assert.Equal(SessionPhase.Failed, status.Phase);
        var failed = Condition(status, ConditionTypes.Failed);
        Assert.Equal(ConditionReasons.JobFailed, failed.Reason);
        Assert.Equal("Job home-master failed: BackoffLimitExceeded: Job has reached the specified backoff limit", failed.Message);
        Assert.Equal(TestSessions.Created.AddMinutes(30), status.CompletionTime);

        // The last progress stays as the pass's numbers.
        Assert.Equal(40, status.Paths!.Completed);
    }

    [Fact]
    public void FailedDestinationsJob_FailsThePass_ThoughTheMasterStillRuns()
    {
        var session = TestSessions.New();
        var jobs = new[]
        {
            TestSessions.Job(session, WorkerRole.Master),
            TestSessions.Job(session, WorkerRole.Sources),
            TestSessions.Job(session, WorkerRole.Destinations).WithCondition("Failed", "PodFailurePolicy", "Container zkrsync exited with 2"),
        };

        var status = Build(session, jobs, zk: Zk(Progress()));

        Assert.Equal(SessionPhase.Failed, status.Phase);
        Assert.Contains("home-destinations", Condition(status, ConditionTypes.Failed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OriginalMaster_ProgressIsCountedFromTheQueues_AndItsEndFromTheJob()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        var queues = new QueueCounts(30, 60, 10, Stats(500, 100, 50_000, 20_000), [new FailedPath("/data/source/p", "failed 3 attempts")],
            new DateTimeOffset(master.Metadata.CreationTimestamp!.Value.AddSeconds(10)));

        var running = Build(session, [master], zk: Zk(queues: queues));

        Assert.Equal(new V1Alpha1PathCounts { Total = 100, Completed = 60, Failed = 10, Remaining = 30 }, running.Paths);
        Assert.Equal(70, running.ProgressPercent);
        Assert.Equal(2_000, running.ThroughputBytesPerSecond);
        Assert.Equal("4s", running.Eta); // 70 done in 10 s, 30 left
        Assert.Equal(SessionPhase.Running, running.Phase);

        session.Status = running;
        var ended = Build(session, [master.WithCondition("Complete")], zk: Zk(queues: queues));

        Assert.Equal(SessionPhase.Failed, ended.Phase);
        Assert.Equal(ConditionReasons.PathsFailed, Condition(ended, ConditionTypes.Failed).Reason);
    }

    [Theory]
    [InlineData(true, true, 100, 0)]
    [InlineData(false, true, 40, 60)]
    [InlineData(false, false, 40, 0)]
    public void OurMasterJobComplete_WithoutASummary_AndTheSessionUnfinished_IsInterrupted_NotSucceeded(bool suspended, bool walkDone, long completed, long remaining)
    {
        // A master pod deleted mid-pass (SIGTERM) suspends the session, and it and its workers exit 4 (Stopped), which the
        // Jobs ignore and replace. A worker image from before that exit code exited 0 there, so every Job could complete
        // with paths left: never a success. Only the summary ends a pass of our master.
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master).WithCondition("Complete");

        var status = Build(session, [master], zk: Zk(Progress(walkDone: walkDone, completed: completed, remaining: remaining) with { Suspended = suspended }));

        Assert.Equal(SessionPhase.Failed, status.Phase);
        var failed = Condition(status, ConditionTypes.Failed);
        Assert.Equal(ConditionReasons.Interrupted, failed.Reason);
        Assert.Contains("unfinished", failed.Message, StringComparison.Ordinal);
        Assert.Equal("False", Condition(status, ConditionTypes.Complete).Status);
    }

    [Fact]
    public void OurMasterJobComplete_WhileAWorkerJobRuns_IsStillRunning_UntilTheSummaryEndsThePass()
    {
        // Resumed, a source pod took the lock first: the master Job's pod ran as a plain source and ended at the master's
        // stop, while the real master (in the sources Job) waits for the destinations to clean up before its summary.
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master).WithCondition("Complete");
        var sources = TestSessions.Job(session, WorkerRole.Sources);
        var destinations = TestSessions.Job(session, WorkerRole.Destinations);
        var allDone = Zk(Progress(walkDone: true, completed: 100, remaining: 0));

        var stopping = Build(session, [master, sources, destinations], zk: allDone);
        Assert.Equal(SessionPhase.Running, stopping.Phase);
        Assert.Equal("False", Condition(stopping, ConditionTypes.Complete).Status);
        Assert.Null(stopping.CompletionTime);

        var summarized = Build(session, [master, sources, destinations], zk: Zk(Progress(walkDone: true, completed: 100, remaining: 0), Summary()));
        Assert.Equal(SessionPhase.Succeeded, summarized.Phase);
        Assert.Equal("True", Condition(summarized, ConditionTypes.Complete).Status);

        // Without a summary (a master that died after its stop), the Jobs' end still ends the pass.
        var jobsEnded = Build(session, [master, sources.WithCondition("Complete"), destinations.WithCondition("Complete")], zk: allDone);
        Assert.Equal(SessionPhase.Succeeded, jobsEnded.Phase);
    }

    [Fact]
    public void OriginalMaster_CompletedWithoutFailures_Succeeds()
    {
        var session = TestSessions.New();
        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master).WithCondition("Complete")], zk: Zk(ready: false));

        Assert.Equal(SessionPhase.Succeeded, status.Phase);
        Assert.Equal(TestSessions.Created.AddMinutes(30), status.CompletionTime);
    }

    [Fact]
    public void RecordedPass_KeepsItsRecord_WhenItsJobsAndZnodesAreGone_AndRebuildingChangesNothing()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        var ended = Build(session, [master], zk: Zk(Progress(), Summary(SessionEndReason.PathsFailed, 99, 1, 0, [new FailedPath("/data/source/z", "err")], "1 path failed")));
        session.Status = ended;

        var later = Build(session, [], now: Now.AddHours(2));

        Assert.Equal(KubernetesJson.Serialize(ended), KubernetesJson.Serialize(later));
        Assert.Equal(SessionPhase.Failed, later.Phase);
        Assert.Equal("1 path failed", Condition(later, ConditionTypes.Failed).Message);
    }

    [Fact]
    public void RunningStatus_BuiltTwiceFromTheSameWorld_IsTheSame_AndKeepsTransitionTimes()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        var first = Build(session, [master], zk: Zk(Progress()));
        session.Status = first;

        var second = Build(session, [master], zk: Zk(Progress()), now: Now.AddMinutes(7));

        Assert.Equal(KubernetesJson.Serialize(first), KubernetesJson.Serialize(second));
    }

    [Fact]
    public void ConditionThatChanges_GetsANewTransitionTime_OthersKeepTheirs()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        session.Status = Build(session, [master], zk: Zk(Progress()));
        var later = Now.AddMinutes(9);

        var status = Build(session, [master], zk: Zk(Progress(), Summary()), now: later);

        Assert.Equal(later, Condition(status, ConditionTypes.Complete).LastTransitionTime);
        Assert.Equal(Now, Condition(status, ConditionTypes.Suspended).LastTransitionTime);
    }

    [Fact]
    public void UnschedulablePod_Stalls_WithTheSchedulersMessage()
    {
        var session = TestSessions.New();
        var pod = TestSessions.Pod("home-master-x", WorkerRole.Master, phase: "Pending", ready: false);
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/3 nodes are available: 3 Insufficient memory." }];

        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], [pod], Zk(ready: false));

        AssertConditions(status, ready: false, reconciling: true, stalled: true, complete: false, failed: false, suspended: false);
        var stalled = Condition(status, ConditionTypes.Stalled);
        Assert.Equal((ConditionReasons.Unschedulable, "pod home-master-x: 0/3 nodes are available: 3 Insufficient memory."), (stalled.Reason, stalled.Message));
        Assert.Equal(stalled.Message, status.Message);
    }

    [Theory]
    [InlineData("ImagePullBackOff", ConditionReasons.ImagePullFailed)]
    [InlineData("ErrImagePull", ConditionReasons.ImagePullFailed)]
    [InlineData("CreateContainerConfigError", ConditionReasons.PodCreationRefused)]
    public void PodThatCannotStartItsContainer_Stalls(string waitingReason, string conditionReason)
    {
        var session = TestSessions.New();
        var pod = TestSessions.Pod("home-master-x", WorkerRole.Master, phase: "Pending", ready: false);
        pod.Status.ContainerStatuses = [new V1ContainerStatus { Name = "zkrsync", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = waitingReason, Message = "details" } } }];

        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], [pod], Zk(ready: false));

        Assert.Equal(conditionReason, Condition(status, ConditionTypes.Stalled).Reason);
        Assert.Equal($"pod home-master-x: {waitingReason}: details", Condition(status, ConditionTypes.Stalled).Message);
    }

    [Fact]
    public void UnreachableZooKeeper_StallsARunningPass_AndKeepsItsLastNumbers()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        session.Status = Build(session, [master], zk: Zk(Progress()));

        var status = Build(session, [master], zk: Zk(error: "connection refused (127.0.0.1:2181)"));

        Assert.Equal((ConditionReasons.ZooKeeperUnreachable, "ZooKeeper: connection refused (127.0.0.1:2181)"),
            (Condition(status, ConditionTypes.Stalled).Reason, Condition(status, ConditionTypes.Stalled).Message));
        Assert.Equal(40, status.Paths!.Completed);
    }

    [Fact]
    public void ProblemBeforeAnyPass_FromTheController_IsReported()
    {
        var problem = SessionProblem.Failed(ConditionReasons.VolumeAccessMode, "spec.source.claimName: claim c is ReadWriteOncePod");

        var status = Build(TestSessions.New(), [], problems: [problem]);

        Assert.Equal(SessionPhase.Failed, status.Phase);
        AssertConditions(status, ready: false, reconciling: false, stalled: true, complete: false, failed: true, suspended: false);
        Assert.Equal((ConditionReasons.VolumeAccessMode, problem.Message), (Condition(status, ConditionTypes.Failed).Reason, Condition(status, ConditionTypes.Failed).Message));

        var stalled = Build(TestSessions.New(), [], problems: [SessionProblem.Stalled(ConditionReasons.ClaimNotFound, "claim missing")]);
        Assert.Equal(SessionPhase.Pending, stalled.Phase);
        Assert.Equal(ConditionReasons.ClaimNotFound, Condition(stalled, ConditionTypes.Stalled).Reason);
    }

    [Fact]
    public void SuspendedRunningPass_IsSuspended_NotReconciling()
    {
        var session = TestSessions.New(configure: s => s.Suspend = true);
        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], zk: Zk(Progress()));

        Assert.Equal(SessionPhase.Suspended, status.Phase);
        AssertConditions(status, ready: false, reconciling: false, stalled: false, complete: false, failed: false, suspended: true);
        Assert.Contains("ZooKeeper queue is kept", Condition(status, ConditionTypes.Suspended).Message, StringComparison.Ordinal);
        Assert.StartsWith("pass 1 suspended: 40/100 paths done", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MasterInterrupted_WhileItsJobGoesOn_DoesNotEndThePass_ButEndsItOnceTheJobHasEnded()
    {
        var session = TestSessions.New(configure: s => s.Suspend = true);
        var master = TestSessions.Job(session, WorkerRole.Master);
        var interrupted = Summary(SessionEndReason.Interrupted, completed: 40, unfinished: 60, message: "stopped by SIGTERM");

        // Suspended: the stopped master kept its queue; the numbers are the last ones it reported.
        var suspended = Build(session, [master], zk: Zk(Progress(), interrupted));
        Assert.Equal(SessionPhase.Suspended, suspended.Phase);
        Assert.Null(suspended.CompletionTime);
        Assert.Equal(40, suspended.Paths!.Completed);

        // Resumed (or its pod deleted and replaced): the next master carries on.
        session.Spec.Suspend = false;
        var running = Build(session, [master], zk: Zk(Progress(), interrupted));
        Assert.Equal(SessionPhase.Running, running.Phase);
        Assert.Null(running.CompletionTime);

        // The Job gave up after the interruption: that is how the pass ended.
        var ended = Build(session, [master.WithCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")], zk: Zk(Progress(), interrupted));
        Assert.Equal(SessionPhase.Failed, ended.Phase);
        Assert.Equal(ConditionReasons.Interrupted, Condition(ended, ConditionTypes.Failed).Reason);
    }

    [Fact]
    public void SpecChangedDuringAPass_IsSaidToApplyFromTheNextPass()
    {
        var session = TestSessions.New();
        var master = TestSessions.Job(session, WorkerRole.Master);
        session.Spec.Rsync = new V1Alpha1RsyncOptions { Delete = true };
        session.Metadata.Generation = 2;

        var status = Build(session, [master], zk: Zk(Progress()));

        var reconciling = Condition(status, ConditionTypes.Reconciling);
        Assert.Equal(ConditionReasons.ChangesApplyNextPass, reconciling.Reason);
        Assert.Contains("apply from the next pass", reconciling.Message, StringComparison.Ordinal);
        Assert.Equal(2, reconciling.ObservedGeneration);
    }

    [Fact]
    public void ScheduledSession_AfterASucceededPass_IsReadyAndWaitsForTheSchedule()
    {
        var session = TestSessions.New(configure: s => s.Trigger = new V1Alpha1Trigger { Schedule = "0 * * * *" });
        var next = TestSessions.Created.AddHours(1);

        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], zk: Zk(summary: Summary()), next: next);

        Assert.Equal(next, status.NextSyncTime);
        Assert.Equal(ConditionReasons.WaitingForSchedule, Condition(status, ConditionTypes.Reconciling).Reason);
        Assert.Equal("True", Condition(status, ConditionTypes.Ready).Status);
    }

    [Fact]
    public void SecondPass_StartsWithFreshNumbers()
    {
        var session = TestSessions.New();
        session.Status = Build(session, [TestSessions.Job(session, WorkerRole.Master)], zk: Zk(Progress(), Summary()));

        var status = Build(session, [TestSessions.Job(session, WorkerRole.Master, pass: 2)], zk: Zk(ready: false));

        Assert.Equal(2, status.Pass);
        Assert.Null(status.Paths);
        Assert.Null(status.CompletionTime);
        Assert.Equal(SessionPhase.Pending, status.Phase);
        Assert.Equal("/admin/rsync/apps-home-0c1d2e3f-2", status.ZookeeperPath);
        Assert.Equal(session.Status.LastSyncTime, status.LastSyncTime);
    }

    [Theory]
    [InlineData("/data/source", ".")]
    [InlineData("/data/source/", ".")]
    [InlineData("/data/source/a/b", "a/b")]
    [InlineData("/elsewhere/x", "/elsewhere/x")]
    public void RelativeToSource_ShowsPathsAsUsersKnowThem(string path, string expected) =>
        Assert.Equal(expected, StatusBuilder.RelativeToSource(path));
}
