using System.Globalization;
using k8s.Models;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Progress;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// Derives a session's status from what exists (pure: no I/O, no clock but <see cref="StatusInput.Now"/> for
/// condition transitions). The same input gives the same status, so an unchanged world writes nothing. While a
/// pass runs the numbers come from our master's <c>S/progress</c> (or, for an original master, the queues); at its
/// end from <c>S/summary</c>; once the pass is recorded as finished (<c>completionTime</c>), the status keeps its
/// numbers: its Jobs and znodes may be gone.
/// </summary>
public static class StatusBuilder
{
    public static V1Alpha1ZkRsyncSessionStatus Build(StatusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var session = input.Session;
        var old = session.Status ?? new V1Alpha1ZkRsyncSessionStatus();
        var pass = input.Pass;
        var spec = session.Spec;
        var generation = session.Metadata.Generation;
        var status = new V1Alpha1ZkRsyncSessionStatus
        {
            ObservedGeneration = generation,
            LastManualSync = old.LastManualSync,
            LastSyncTime = old.LastSyncTime,
            NextSyncTime = Seconds(input.NextSyncTime),
        };

        var recorded = pass.Number > 0 && old.Pass == pass.Number && old.CompletionTime is not null;
        PassOutcome? outcome = null;
        if (pass.Number > 0)
        {
            status.Pass = pass.Number;
            status.ZookeeperPath = ZooKeeperPathOf(session, pass);
            // Recorded once: the first status of a pass keeps its start, also when the master Job is recreated.
            status.StartTime = (old.Pass == pass.Number ? old.StartTime : null) ?? Seconds(pass.Master?.Metadata.CreationTimestamp);
            status.Workers = Workers(spec, pass, input.ZooKeeper?.Progress);
            if (recorded)
            {
                CopyRecord(old, status);
                outcome = RecordedOutcome(old);
            }
            else
            {
                ApplyNumbers(status, pass, input.ZooKeeper, old.Pass == pass.Number ? old : null, spec.IsSuspended);
                outcome = Outcome(pass, input.ZooKeeper, spec.IsSuspended);
                if (outcome is not null)
                {
                    status.CompletionTime = Seconds(outcome.FinishedAt ?? input.Now);
                    status.LastSyncTime = status.CompletionTime;
                    status.Eta = null;
                    if (pass.Master?.Metadata.Annotations?.TryGetValue(SessionNames.ManualTriggerAnnotation, out var manual) == true)
                    {
                        status.LastManualSync = manual.Length == 0 ? null : manual;
                    }
                }
            }
        }

        var running = pass.Number > 0 && outcome is null;
        if (!running && status.Workers is not null)
        {
            status.Workers.Master = null; // no master once the pass has ended
        }

        var problems = new List<SessionProblem>(input.Problems);
        if (running)
        {
            problems.AddRange(PodProblems(pass));
            if (input.ZooKeeper?.Error is { } zkError)
            {
                problems.Add(SessionProblem.Stalled(ConditionReasons.ZooKeeperUnreachable, "ZooKeeper: " + zkError));
            }
        }

        var failure = problems.FirstOrDefault(p => p.IsFailure);
        var stall = problems.FirstOrDefault(p => !p.IsFailure);
        var suspended = spec.IsSuspended;
        var succeeded = outcome is { Succeeded: true } && failure is null;
        var failed = outcome is { Succeeded: false } || failure is not null;
        var failedReason = outcome is { Succeeded: false } ? outcome.Reason : failure?.Reason;
        var failedMessage = outcome is { Succeeded: false } ? outcome.Message : failure?.Message;

        status.Phase = (running, suspended, succeeded, failed) switch
        {
            (_, true, _, _) => SessionPhase.Suspended,
            (true, _, _, _) => MasterStarted(pass, input.ZooKeeper) ? SessionPhase.Running : SessionPhase.Pending,
            (_, _, _, true) => SessionPhase.Failed,
            (_, _, true, _) => SessionPhase.Succeeded,
            _ => SessionPhase.Pending,
        };

        var specChanged = running && pass.Master?.Metadata.Annotations?.TryGetValue(SessionNames.SpecHashAnnotation, out var hash) == true
                          && hash != SpecHash.Of(spec);
        var idleReason = suspended ? ConditionReasons.Suspended
            : failed ? failedReason!
            : succeeded ? (input.NextSyncTime is null ? ConditionReasons.Completed : ConditionReasons.WaitingForSchedule)
            : ConditionReasons.PassNotStarted;
        var runningReason = specChanged ? ConditionReasons.ChangesApplyNextPass
            : status.Phase == SessionPhase.Pending ? ConditionReasons.PassStarting
            : ConditionReasons.PassRunning;

        var conditions = new List<V1Condition>
        {
            Condition(ConditionTypes.Ready, succeeded && !running,
                succeeded && !running ? ConditionReasons.Completed : running ? runningReason : idleReason,
                succeeded && !running ? $"pass {pass.Number} completed" : running ? $"pass {pass.Number} is running" : failedMessage ?? IdleMessage(suspended, pass.Number)),
            Condition(ConditionTypes.Reconciling, running && !suspended,
                running && !suspended ? runningReason : idleReason,
                running && !suspended
                    ? (specChanged ? $"pass {pass.Number} is running; spec changes to counts, depth, rsync and workers apply from the next pass" : $"pass {pass.Number} is running")
                    : IdleMessage(suspended, pass.Number)),
            Condition(ConditionTypes.Stalled, stall is not null || failed,
                stall?.Reason ?? failedReason ?? ConditionReasons.Progressing,
                stall?.Message ?? failedMessage ?? "nothing stands in the way"),
            Condition(ConditionTypes.Complete, succeeded && !running,
                succeeded && !running ? ConditionReasons.Completed : running ? runningReason : idleReason,
                succeeded && !running ? $"pass {pass.Number} synced every path" : running ? $"pass {pass.Number} is running" : failedMessage ?? IdleMessage(suspended, pass.Number)),
            Condition(ConditionTypes.Failed, failed,
                failed ? failedReason! : running ? runningReason : idleReason,
                failed ? failedMessage! : "no failure"),
            Condition(ConditionTypes.Suspended, suspended,
                suspended ? ConditionReasons.Suspended : ConditionReasons.NotSuspended,
                suspended ? (running ? $"pass {pass.Number} is suspended; its ZooKeeper queue is kept" : "no pass starts while suspended") : "not suspended"),
        };
        status.Conditions = CarryTransitionTimes(conditions, old.Conditions, generation, input.Now);
        status.Message = stall?.Message ?? (failed ? failedMessage : null) ?? Message(status, running, succeeded, suspended);
        return status;
    }

    /// <summary>How the pass ended, or null while it runs. Our master's summary decides; without one (an original
    /// master, or a master that crashed), the Jobs do: any failed Job fails the pass, a completed master ends it.</summary>
    public static PassOutcome? Outcome(PassView pass, ZooKeeperObservation? zooKeeper, bool suspended = false)
    {
        ArgumentNullException.ThrowIfNull(pass);

        if (FinalSummary(pass, zooKeeper, suspended) is { } summary)
        {
            var ok = summary.Reason == SessionEndReason.Completed && summary.PathsFailed == 0 && summary.PathsUnfinished == 0;
            return new PassOutcome(ok, ok ? ConditionReasons.Completed : ReasonOf(summary.Reason), summary.Message, summary.FinishedAt.UtcDateTime);
        }

        foreach (var job in new[] { pass.Master, pass.Sources, pass.Destinations })
        {
            if (JobStates.IsFailed(job))
            {
                return new PassOutcome(false, ConditionReasons.JobFailed, $"Job {job!.Metadata.Name} failed: {JobStates.FailureOf(job)}", JobStates.FinishedAt(job));
            }
        }

        if (JobStates.IsComplete(pass.Master))
        {
            // Our master (it reports progress) is whichever source takes the session's lock first, not always the master
            // Job's pod: after a resume or a replaced master pod, a source pod may win, and the master Job's pod then ends
            // as a plain source at the master's stop, while the real master still waits for the workers to finish (the
            // destinations clear .zkrsync-tmp) before it writes the summary. So while a worker Job still runs, the pass goes on.
            if (zooKeeper?.Progress is not null && new[] { pass.Sources, pass.Destinations }.Any(job => job is not null && !JobStates.IsFinished(job)))
            {
                return null;
            }

            // Our master ends a pass with a summary; without one, its progress must not be taken for the end. A master
            // stopped (SIGTERM: a deleted or evicted pod) keeps the session suspended; it and its workers exit 4 (Stopped),
            // which the Jobs ignore (a new pod resumes the session). Jobs that complete with paths left anyway (a worker
            // image older than that exit code exits 0 there) leave the pass interrupted, never "every path was synced".
            if (zooKeeper?.Progress is { } progress && (progress.Suspended || !progress.WalkDone || progress.PathsRemaining > 0))
            {
                return new PassOutcome(false, ConditionReasons.Interrupted,
                    $"the pass's Jobs ended with the session unfinished ({progress.PathsDone} of {progress.PathsQueued}{(progress.WalkDone ? "" : "+")} paths done{(progress.Suspended ? ", suspended" : "")}): start another pass (spec.trigger.manual) to sync the rest",
                    JobStates.FinishedAt(pass.Master));
            }

            var failedPaths = zooKeeper?.Progress?.PathsFailed ?? zooKeeper?.Queues?.Failed ?? 0;
            return failedPaths > 0
                ? new PassOutcome(false, ConditionReasons.PathsFailed, $"{failedPaths} path(s) failed every attempt", JobStates.FinishedAt(pass.Master))
                : new PassOutcome(true, ConditionReasons.Completed, "every path was synced", JobStates.FinishedAt(pass.Master));
        }

        return null;
    }

    /// <summary>The summary that ends the pass, if any. A master stopped while its Job goes on (suspended, or a pod
    /// deleted or evicted: the Job starts another master, which resumes the kept queue) reports itself interrupted;
    /// that summary ends nothing, and its numbers are older than the next master's progress.</summary>
    private static SessionSummaryDocument? FinalSummary(PassView pass, ZooKeeperObservation? zooKeeper, bool suspended) =>
        zooKeeper?.Summary is { } summary && !(summary.Reason == SessionEndReason.Interrupted && (suspended || !JobStates.IsFinished(pass.Master)))
            ? summary
            : null;

    /// <summary>A summary's <see cref="SessionEndReason"/> as a condition reason.</summary>
    public static string ReasonOf(string endReason) => endReason switch
    {
        SessionEndReason.Completed => ConditionReasons.Completed,
        SessionEndReason.DestinationFull => ConditionReasons.DestinationFull,
        SessionEndReason.DestinationReadOnly => ConditionReasons.DestinationReadOnly,
        SessionEndReason.QuotaExceeded => ConditionReasons.QuotaExceeded,
        SessionEndReason.Interrupted => ConditionReasons.Interrupted,
        SessionEndReason.SessionLost => ConditionReasons.SessionLost,
        _ => ConditionReasons.PathsFailed,
    };

    /// <summary>Pods that cannot start: unschedulable, image not pulled, container not created; the Job's
    /// refused pod creations come from the controller (events) as problems.</summary>
    public static IEnumerable<SessionProblem> PodProblems(PassView pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        foreach (var pod in pass.Pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (pod.Status?.Phase != "Pending" || pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var scheduled = pod.Status.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
            if (scheduled is { Status: "False", Reason: "Unschedulable" })
            {
                yield return SessionProblem.Stalled(ConditionReasons.Unschedulable, $"pod {pod.Metadata.Name}: {scheduled.Message}");
                continue;
            }

            var waiting = pod.Status.ContainerStatuses?.Select(c => c.State?.Waiting).FirstOrDefault(w => w is not null);
            if (waiting?.Reason is "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName")
            {
                yield return SessionProblem.Stalled(ConditionReasons.ImagePullFailed, $"pod {pod.Metadata.Name}: {waiting.Reason}: {waiting.Message}".TrimEnd(' ', ':'));
            }
            else if (waiting?.Reason is "CreateContainerConfigError" or "CreateContainerError")
            {
                yield return SessionProblem.Stalled(ConditionReasons.PodCreationRefused, $"pod {pod.Metadata.Name}: {waiting.Reason}: {waiting.Message}".TrimEnd(' ', ':'));
            }
        }
    }

    /// <summary>The failed path relative to the source root, as users know it (workers report it under their mount).</summary>
    public static string RelativeToSource(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var root = WorkerDefaults.SourceMountPath;
        if (path == root || path == root + "/")
        {
            return ".";
        }

        return path.StartsWith(root + "/", StringComparison.Ordinal) ? path[(root.Length + 1)..] : path;
    }

    private static string ZooKeeperPathOf(V1Alpha1ZkRsyncSession session, PassView pass)
    {
        var zkSession = SessionNames.ValueOf(pass.Master?.Metadata.Annotations, SessionNames.ZooKeeperSessionAnnotation)
                        ?? SessionNames.ZooKeeperSession(session.Metadata.NamespaceProperty, session.Metadata.Name, session.Metadata.Uid, pass.Number);
        return SessionNames.ZooKeeperPath(zkSession);
    }

    private static bool MasterStarted(PassView pass, ZooKeeperObservation? zooKeeper) =>
        zooKeeper?.ReadyExists == true || zooKeeper?.Progress is not null || pass.PodsOf(WorkerRole.Master).Any(JobStates.IsPodReady);

    private static V1Alpha1WorkerCounts Workers(V1Alpha1ZkRsyncSessionSpec spec, PassView pass, SessionProgress? progress)
    {
        string? master = null;
        if (progress is not null && !string.IsNullOrEmpty(progress.Master))
        {
            var host = ZnodeLayout.HostOfWhoAmI(progress.Master);
            master = pass.Pods.FirstOrDefault(p => p.Status?.PodIP == host)?.Metadata.Name ?? progress.Master;
        }

        master ??= pass.PodsOf(WorkerRole.Master).Where(JobStates.IsPodReady).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).FirstOrDefault();
        return new V1Alpha1WorkerCounts
        {
            Master = master,
            SourcesReady = pass.PodsOf(WorkerRole.Sources).Count(JobStates.IsPodReady),
            SourcesDesired = pass.Sources?.Spec?.Parallelism ?? spec.SourceCount,
            DestinationsReady = pass.PodsOf(WorkerRole.Destinations).Count(JobStates.IsPodReady),
            DestinationsDesired = pass.Destinations?.Spec?.Parallelism ?? spec.DestinationCount,
        };
    }

    private static void ApplyNumbers(
        V1Alpha1ZkRsyncSessionStatus status, PassView pass, ZooKeeperObservation? zooKeeper, V1Alpha1ZkRsyncSessionStatus? samePass, bool suspended)
    {
        if (FinalSummary(pass, zooKeeper, suspended) is { } summary)
        {
            var total = summary.PathsCompleted + summary.PathsFailed + summary.PathsUnfinished;
            SetNumbers(status, total, summary.PathsCompleted, summary.PathsFailed, summary.PathsUnfinished, summary.Stats,
                summary.WallTimeSeconds, walkDone: true, summary.FinishedAt, summary.FailedPaths);
            return;
        }

        if (zooKeeper?.Progress is { } progress)
        {
            SetNumbers(status, progress.PathsQueued, progress.PathsCompleted, progress.PathsFailed, progress.PathsRemaining, progress.Stats,
                progress.ElapsedSeconds, progress.WalkDone, progress.UpdatedAt, progress.FailedPaths);
            return;
        }

        if (zooKeeper?.Queues is { } queues && status.StartTime is { } start)
        {
            var elapsed = Math.Max(0, (queues.ObservedAt.UtcDateTime - start).TotalSeconds);
            SetNumbers(status, queues.Remaining + queues.Completed + queues.Failed, queues.Completed, queues.Failed, queues.Remaining, queues.Stats,
                elapsed, walkDone: queues.Completed + queues.Failed > 0, queues.ObservedAt, queues.FailedPaths);
            return;
        }

        if (samePass is not null)
        {
            // Nothing fresh (ZooKeeper unreachable, the tracker just started): keep what the status had for this pass.
            CopyNumbers(samePass, status);
        }
    }

    private static void SetNumbers(
        V1Alpha1ZkRsyncSessionStatus status, long total, long completed, long failed, long remaining, IReadOnlyDictionary<string, long> stats,
        double elapsedSeconds, bool walkDone, DateTimeOffset at, IReadOnlyList<FailedPath> failedPaths)
    {
        var done = completed + failed;
        status.Paths = new V1Alpha1PathCounts { Total = total, Completed = completed, Failed = failed, Remaining = remaining };
        status.Files = new V1Alpha1FileCounts { Total = Stat(stats, 0), Transferred = Stat(stats, 1) };
        var bytesTransferred = Stat(stats, 3);
        status.Bytes = new V1Alpha1ByteCounts { Total = Stat(stats, 2), Transferred = bytesTransferred };
        var percent = total > 0 ? (int)(done * 100 / total) : 0;
        status.ProgressPercent = walkDone ? percent : Math.Min(percent, 99);
        status.ThroughputBytesPerSecond = elapsedSeconds > 0 ? (long)(bytesTransferred / elapsedSeconds) : 0;
        status.Eta = !walkDone ? null
            : remaining == 0 ? DurationText.Format(TimeSpan.Zero)
            : done > 0 && elapsedSeconds > 0 ? DurationText.Format(TimeSpan.FromSeconds(elapsedSeconds * remaining / done))
            : null;
        status.LastProgressTime = Seconds(at.UtcDateTime);
        status.FailedPaths = failedPaths.Count == 0
            ? null
            : [.. failedPaths.Take(V1Alpha1ZkRsyncSessionStatus.MaxListedFailedPaths)
                .Select(f => new V1Alpha1FailedPath { Path = RelativeToSource(f.Path), Error = f.Error })];
    }

    private static long Stat(IReadOnlyDictionary<string, long> stats, int index) =>
        stats.TryGetValue(ZnodeLayout.StatKeys[index], out var value) ? value : 0;

    private static void CopyNumbers(V1Alpha1ZkRsyncSessionStatus from, V1Alpha1ZkRsyncSessionStatus to)
    {
        to.Paths = from.Paths;
        to.Files = from.Files;
        to.Bytes = from.Bytes;
        to.ProgressPercent = from.ProgressPercent;
        to.ThroughputBytesPerSecond = from.ThroughputBytesPerSecond;
        to.Eta = from.Eta;
        to.LastProgressTime = from.LastProgressTime;
        to.FailedPaths = from.FailedPaths;
    }

    private static void CopyRecord(V1Alpha1ZkRsyncSessionStatus from, V1Alpha1ZkRsyncSessionStatus to)
    {
        CopyNumbers(from, to);
        to.StartTime = from.StartTime;
        to.CompletionTime = from.CompletionTime;
        to.ZookeeperPath = from.ZookeeperPath;
    }

    private static PassOutcome RecordedOutcome(V1Alpha1ZkRsyncSessionStatus old)
    {
        var failed = old.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Failed);
        return failed?.Status == "True"
            ? new PassOutcome(false, failed.Reason, failed.Message, old.CompletionTime!.Value)
            : new PassOutcome(true, ConditionReasons.Completed, "every path was synced", old.CompletionTime!.Value);
    }

    private static V1Condition Condition(string type, bool value, string reason, string message) => new()
    {
        Type = type,
        Status = value ? "True" : "False",
        Reason = reason,
        Message = message,
    };

    /// <summary>A condition keeps its transition time while its status stays the same.</summary>
    private static List<V1Condition> CarryTransitionTimes(List<V1Condition> conditions, IList<V1Condition>? old, long? generation, DateTime now)
    {
        foreach (var condition in conditions)
        {
            var previous = old?.FirstOrDefault(c => c.Type == condition.Type);
            condition.ObservedGeneration = generation;
            var keep = previous is not null && previous.Status == condition.Status && previous.LastTransitionTime != default;
            condition.LastTransitionTime = Seconds(keep ? previous!.LastTransitionTime : now)!.Value;
        }

        return conditions;
    }

    private static string IdleMessage(bool suspended, int pass) =>
        suspended ? "suspended" : pass == 0 ? "no pass has run yet" : $"pass {pass} is not running";

    private static string Message(V1Alpha1ZkRsyncSessionStatus status, bool running, bool succeeded, bool suspended)
    {
        var pass = status.Pass ?? 0;
        var paths = status.Paths;
        if (pass == 0)
        {
            return suspended ? "suspended: no pass started" : "starting the first pass";
        }

        if (running)
        {
            var prefix = suspended ? $"pass {pass} suspended" : $"pass {pass}";
            if (paths is null)
            {
                return status.Phase == SessionPhase.Pending ? $"{prefix}: starting the master" : $"{prefix}: the master walks the source";
            }

            var text = string.Create(CultureInfo.InvariantCulture, $"{prefix}: {paths.Completed + paths.Failed}/{paths.Total} paths done");
            if (paths.Failed > 0)
            {
                text += string.Create(CultureInfo.InvariantCulture, $", {paths.Failed} failed");
            }

            return status.Eta is null ? text : text + ", ETA " + status.Eta;
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"pass {pass} completed: {paths?.Completed ?? 0} paths, {status.Files?.Transferred ?? 0} files and {status.Bytes?.Transferred ?? 0} bytes transferred");
        return succeeded ? summary : $"pass {pass} ended";
    }

    /// <summary>Kubernetes times have whole seconds; so do ours, or every round trip would look like a change.</summary>
    public static DateTime? Seconds(DateTime? time) =>
        time is { } t ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc) : null;
}
