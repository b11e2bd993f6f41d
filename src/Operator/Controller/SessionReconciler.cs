using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Progress;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Runtime;
using ZkSync.Operator.ZooKeeper;

namespace ZkSync.Operator.Controller;

/// <summary>
/// The thin controller: reads the session, its Jobs and pods from the watch caches and the pass's ZooKeeper state
/// from the tracker; ensures the finalizer, the session's Secret and ZooKeeper node, the pass's Jobs (master first,
/// sources and destinations once the master owns the session) and their suspension; derives the status with the
/// pure <see cref="StatusBuilder"/> and writes it with a merge patch when it changed; hands Events for transitions
/// to the term's recorder; and on deletion removes the Jobs, then the session's znodes, then its finalizer.
/// </summary>
public sealed partial class SessionReconciler(
    ISessionCluster cluster,
    ResourceCache<V1Alpha1ZkRsyncSession> sessions,
    ResourceCache<V1Job> jobs,
    ResourceCache<V1Pod> pods,
    ProgressTracker tracker,
    SessionZnodes znodes,
    SessionEventRecorder events,
    SessionControllerSettings settings,
    OperatorMetrics metrics,
    TimeProvider time,
    ILogger<SessionReconciler> logger) : IReconciler
{
    private static readonly TimeSpan PathFailedEventInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PodCreationGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RunningResync = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastStatusWrite = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string BaseResourceVersion, string Json)> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPathFailedEvent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _zooKeeperFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Secret, ZooKeeperCredentials Credentials)> _credentials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _cleanedPass = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _networkPolicies = new(StringComparer.Ordinal);

    /// <summary>
    /// The session's status as this reconcile should see it: the cached one, unless we wrote a newer one on top of
    /// that very resourceVersion and the watch has not delivered it yet; then what we wrote (else a reconcile in
    /// between would write the same status again and record its Events twice).
    /// </summary>
    private V1Alpha1ZkRsyncSessionStatus EffectiveStatus(string key, V1Alpha1ZkRsyncSession session)
    {
        if (_written.TryGetValue(key, out var written) && written.BaseResourceVersion == session.Metadata.ResourceVersion)
        {
            return KubernetesJson.Deserialize<V1Alpha1ZkRsyncSessionStatus>(written.Json);
        }

        _written.TryRemove(key, out _);
        return session.Status ?? new V1Alpha1ZkRsyncSessionStatus();
    }

    /// <summary>The index key of Jobs and pods in the caches: the owning session's <c>namespace/name</c>.</summary>
    public static string? OwnerKey(IKubernetesObject<V1ObjectMeta> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var session = SessionNames.ValueOf(item.Metadata.Labels, SessionNames.LabelSession);
        return session is null ? null : SessionNames.Key(item.Metadata.NamespaceProperty, session);
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var session = sessions.Get(key);
        if (session is null)
        {
            await ForgetAsync(key).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (session.Metadata.DeletionTimestamp is not null)
        {
            return await FinalizeAsync(key, session, cancellationToken).ConfigureAwait(false);
        }

        if (!session.HasFinalizer(SessionNames.Finalizer))
        {
            session = await UpdateFinalizersAsync(session, add: true, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                return ReconcileResult.Done;
            }
        }

        // The status this reconcile starts from: what we last wrote, while the watch has not brought it back yet.
        session = new V1Alpha1ZkRsyncSession { Metadata = session.Metadata, Spec = session.Spec, Status = EffectiveStatus(key, session) };
        var now = time.GetUtcNow().UtcDateTime;
        var problems = new List<SessionProblem>();
        var result = ReconcileResult.Done;
        var pass = PassView.From(session.Status.Pass, jobs.ByIndex(key), pods.ByIndex(key));
        var decision = PassDecision.Decide(session, pass, now);
        if (decision.ScheduleProblem is not null)
        {
            problems.Add(decision.ScheduleProblem);
        }

        if (decision.NextSyncTime is { } next && decision.Start == PassTrigger.None)
        {
            result = ReconcileResult.Sooner(result, ReconcileResult.RequeueIn(Max(TimeSpan.FromSeconds(1), next - now)));
        }

        var nameProblem = NameProblem(session);
        if (nameProblem is not null)
        {
            problems.Add(nameProblem);
        }

        foreach (var stale in pass.Stale)
        {
            await cluster.DeleteJobAsync(stale.Metadata.NamespaceProperty, stale.Metadata.Name, cancellationToken).ConfigureAwait(false);
        }

        var recorded = pass.Number > 0 && session.Status.Pass == pass.Number && session.Status.CompletionTime is not null;
        ZooKeeperObservation? observation = null;
        if (pass.Number > 0 && !recorded)
        {
            (observation, var running) = await RunPassAsync(key, session, pass, problems, cancellationToken).ConfigureAwait(false);
            result = ReconcileResult.Sooner(result, running);
        }
        else if (decision.Start != PassTrigger.None && nameProblem is null)
        {
            (pass, var started) = await StartPassAsync(key, session, pass, decision.Start, problems, cancellationToken).ConfigureAwait(false);
            result = ReconcileResult.Sooner(result, started);
            observation = tracker.Observation(key);
        }

        var status = StatusBuilder.Build(new StatusInput(session, pass, observation, problems, decision.NextSyncTime, now));
        var written = await WriteStatusAsync(key, session, status, cancellationToken).ConfigureAwait(false);
        result = ReconcileResult.Sooner(result, written);

        if (status.CompletionTime is not null && pass.Number > 0 && written.RequeueAfter is null
            && !(_cleanedPass.TryGetValue(key, out var cleaned) && cleaned == pass.Number))
        {
            // The pass's record is written: its Jobs are stopped and its znodes can go. Once per pass and leadership
            // term: a new leader makes sure of it too (its predecessor may have stopped between record and cleanup).
            result = ReconcileResult.Sooner(result, await CleanUpPassAsync(key, session, pass, status.CompletionTime.Value, cancellationToken).ConfigureAwait(false));
        }

        metrics.SetSession(session.Metadata.NamespaceProperty, session.Metadata.Name,
            (status.Paths?.Completed ?? 0) + (status.Paths?.Failed ?? 0), status.Paths?.Remaining ?? 0, status.Paths?.Failed ?? 0, status.Bytes?.Transferred ?? 0);
        return result;
    }

    private async Task<(ZooKeeperObservation? Observation, ReconcileResult Result)> RunPassAsync(
        string key, V1Alpha1ZkRsyncSession session, PassView pass, List<SessionProblem> problems, CancellationToken cancellationToken)
    {
        var result = ReconcileResult.Done;
        var credentials = await CredentialsAsync(key, session, problems, cancellationToken).ConfigureAwait(false);
        var servers = ServersOf(session, problems);
        var zkSession = ZooKeeperSessionOf(session, pass);
        if (servers is not null)
        {
            await EnsureNetworkPolicyAsync(key, session, servers, cancellationToken).ConfigureAwait(false);
        }

        if (credentials is not null && servers is not null)
        {
            tracker.Follow(key, servers, zkSession, credentials, TimeSpan.FromSeconds(session.Spec.ProgressIntervalOrDefault));
        }

        var observation = tracker.Observation(key);
        var outcome = StatusBuilder.Outcome(pass, observation, session.Spec.IsSuspended);
        if (outcome is not null && observation?.Summary is null or { Reason: SessionEndReason.Interrupted } && tracker.IsFollowing(key, zkSession))
        {
            // Ended by its Jobs: the summary written just before the master exited may not have arrived yet.
            observation = await tracker.ReadSummaryAsync(key, cancellationToken).ConfigureAwait(false) ?? observation;
            outcome = StatusBuilder.Outcome(pass, observation, session.Spec.IsSuspended);
        }

        if (outcome is not null)
        {
            // The pass has ended: stop what still runs (a failed Job ends it; the rest would wait forever).
            foreach (var job in pass.Jobs.Where(j => !JobStates.IsFinished(j) && j.Spec?.Suspend != true && !outcome.Succeeded))
            {
                await cluster.SetJobSuspendedAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, true, cancellationToken).ConfigureAwait(false);
            }

            return (observation, result);
        }

        if (pass.Master is null && servers is not null && credentials is not null)
        {
            // Deleted under us mid-pass (or the create was lost): make it again; the ZooKeeper queue is still there.
            var decision = await PlanVolumesAsync(session, problems, cancellationToken).ConfigureAwait(false);
            if (decision is not null)
            {
                await CreateMasterAsync(session, pass.Number, zkSession, servers, decision, cancellationToken).ConfigureAwait(false);
            }
        }

        if (observation?.ReadyExists == true && servers is not null && (pass.Sources is null || pass.Destinations is null))
        {
            result = ReconcileResult.Sooner(result, await CreateWorkersAsync(session, pass, zkSession, servers, cancellationToken).ConfigureAwait(false));
        }

        var suspend = session.Spec.IsSuspended;
        foreach (var job in pass.Jobs.Where(j => !JobStates.IsFinished(j) && (j.Spec?.Suspend ?? false) != suspend))
        {
            await cluster.SetJobSuspendedAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, suspend, cancellationToken).ConfigureAwait(false);
        }

        result = ReconcileResult.Sooner(result, await PodCreationProblemsAsync(pass, suspend, problems, cancellationToken).ConfigureAwait(false));

        // Events drive a running pass; this resync is the net under them (a change lost anywhere cannot stall a pass).
        result = ReconcileResult.Sooner(result, ReconcileResult.RequeueIn(RunningResync));
        return (observation, result);
    }

    private async Task<(PassView Pass, ReconcileResult Result)> StartPassAsync(
        string key, V1Alpha1ZkRsyncSession session, PassView pass, PassTrigger trigger, List<SessionProblem> problems, CancellationToken cancellationToken)
    {
        if (pass.Jobs.Any())
        {
            // The last pass's Jobs keep the names the new ones need: delete them and come back when they are gone.
            foreach (var job in pass.Jobs)
            {
                await cluster.DeleteJobAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, cancellationToken).ConfigureAwait(false);
            }

            return (pass, ReconcileResult.RequeueIn(TimeSpan.FromSeconds(2)));
        }

        var servers = ServersOf(session, problems);
        var volumes = await PlanVolumesAsync(session, problems, cancellationToken).ConfigureAwait(false);
        if (servers is null || volumes is null)
        {
            return (pass, ReconcileResult.RequeueIn(TimeSpan.FromSeconds(30)));
        }

        var secret = SessionSecretBuilder.Build(session, SessionSecretBuilder.RandomHex);
        if (await cluster.CreateSecretAsync(secret, cancellationToken).ConfigureAwait(false) && CredentialsIn(secret) is { } made
            && secret.Metadata.Name == SessionSecretBuilder.CredentialsSecretName(session))
        {
            _credentials[key] = (secret.Metadata.Name, made); // just made: no need to read it back
        }

        var credentials = await CredentialsAsync(key, session, problems, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            return (pass, ReconcileResult.RequeueIn(TimeSpan.FromSeconds(15)));
        }

        var number = pass.Number + 1;
        var meta = session.Metadata;
        var zkSession = SessionNames.ZooKeeperSession(meta.NamespaceProperty, meta.Name, meta.Uid, number);
        try
        {
            if (pass.Number > 0)
            {
                // The last pass's node, should its cleanup have been cut short (deletion removes every pass's).
                await znodes.DeleteSessionAsync(servers, SessionNames.ZooKeeperSession(meta.NamespaceProperty, meta.Name, meta.Uid, pass.Number), credentials, cancellationToken).ConfigureAwait(false);
            }

            await znodes.EnsureSessionAsync(servers, zkSession, credentials, cancellationToken).ConfigureAwait(false);
            _zooKeeperFailures.TryRemove(key, out _);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var failures = _zooKeeperFailures.AddOrUpdate(key, 1, (_, n) => n + 1);
            problems.Add(SessionProblem.Stalled(ConditionReasons.ZooKeeperUnreachable, $"ZooKeeper {servers}: {e.Message}"));
            LogZooKeeperFailed(logger, key, servers, e.Message);
            return (pass, ReconcileResult.RequeueIn(BackoffPolicy.Watch.Delay(failures)));
        }

        await EnsureNetworkPolicyAsync(key, session, servers, cancellationToken).ConfigureAwait(false);
        var master = await CreateMasterAsync(session, number, zkSession, servers, volumes, cancellationToken).ConfigureAwait(false);
        LogPassStarted(logger, key, number, trigger, zkSession);
        tracker.Follow(key, servers, zkSession, credentials, TimeSpan.FromSeconds(session.Spec.ProgressIntervalOrDefault));
        master.Metadata.CreationTimestamp = time.GetUtcNow().UtcDateTime;
        return (PassView.From(number, [master], []), ReconcileResult.Done);
    }

    private async Task<V1Job> CreateMasterAsync(
        V1Alpha1ZkRsyncSession session, int pass, string zkSession, string servers, VolumeDecision volumes, CancellationToken cancellationToken)
    {
        var master = WorkerJobBuilder.Build(new WorkerJobRequest(session, WorkerRole.Master, pass, zkSession, servers,
            SessionSecretBuilder.CredentialsSecretName(session), volumes.Master, settings.Workers));
        var annotations = master.Metadata.Annotations;
        annotations[SessionNames.ManualTriggerAnnotation] = session.Spec.Trigger?.Manual ?? string.Empty;
        annotations[SessionNames.SpecHashAnnotation] = SpecHash.Of(session.Spec);
        annotations[SessionNames.PinnedNodeAnnotation] = volumes.Master.Node
            ?? (volumes.Master.WithSessionPods ? WithSessionPods : volumes.WorkersFollowMaster ? FollowMaster : string.Empty);
        await cluster.CreateJobAsync(master, cancellationToken).ConfigureAwait(false);
        return master;
    }

    /// <summary>With network policies on, the session's own NetworkPolicy (owned by it, so it goes with it); made once
    /// per leadership term, before the pass's first pod.</summary>
    private async Task EnsureNetworkPolicyAsync(string key, V1Alpha1ZkRsyncSession session, string servers, CancellationToken cancellationToken)
    {
        if (!settings.NetworkPolicies || _networkPolicies.ContainsKey(key))
        {
            return;
        }

        await cluster.CreateNetworkPolicyAsync(SessionNetworkPolicyBuilder.Build(session, servers, settings.DnsPorts), cancellationToken).ConfigureAwait(false);
        _networkPolicies[key] = 0;
    }

    /// <summary>The pinned-node annotation's value when the workers are pinned to the node the master pod runs on.</summary>
    private const string FollowMaster = "@master";

    /// <summary>The pinned-node annotation's value when every pod goes with the session's own pods (<see cref="Placement.WithSession"/>).</summary>
    private const string WithSessionPods = "@session";

    private async Task<ReconcileResult> CreateWorkersAsync(V1Alpha1ZkRsyncSession session, PassView pass, string zkSession, string servers, CancellationToken cancellationToken)
    {
        var pinned = SessionNames.ValueOf(pass.Master?.Metadata.Annotations, SessionNames.PinnedNodeAnnotation) ?? string.Empty;
        var tolerations = pass.Master?.Spec?.Template?.Spec?.Tolerations?.ToList() ?? [];
        Placement placement;
        if (pinned == WithSessionPods)
        {
            placement = Placement.WithSession;
        }
        else if (pinned == FollowMaster)
        {
            var node = pass.PodsOf(WorkerRole.Master).Select(p => p.Spec?.NodeName).FirstOrDefault(n => !string.IsNullOrEmpty(n));
            if (node is null)
            {
                return ReconcileResult.RequeueIn(TimeSpan.FromSeconds(2)); // the master pod is not placed yet
            }

            placement = Placement.PinTo(node, tolerations);
        }
        else
        {
            placement = pinned.Length == 0 ? Placement.Spread : Placement.PinTo(pinned, tolerations);
        }

        foreach (var role in new[] { WorkerRole.Destinations, WorkerRole.Sources })
        {
            if (pass.Job(role) is null)
            {
                var job = WorkerJobBuilder.Build(new WorkerJobRequest(session, role, pass.Number, zkSession, servers,
                    SessionSecretBuilder.CredentialsSecretName(session), placement, settings.Workers));
                await cluster.CreateJobAsync(job, cancellationToken).ConfigureAwait(false);
            }
        }

        return ReconcileResult.Done;
    }

    private async Task<VolumeDecision?> PlanVolumesAsync(V1Alpha1ZkRsyncSession session, List<SessionProblem> problems, CancellationToken cancellationToken)
    {
        var ns = session.Metadata.NamespaceProperty;
        var spec = session.Spec;
        var sourceClaim = spec.Source.ClaimName is { } s ? await cluster.GetClaimAsync(ns, s, cancellationToken).ConfigureAwait(false) : null;
        var destinationClaim = spec.Destination.ClaimName is { } d ? await cluster.GetClaimAsync(ns, d, cancellationToken).ConfigureAwait(false) : null;
        var readWriteOnce = new[] { sourceClaim, destinationClaim }.OfType<V1PersistentVolumeClaim>()
            .Any(c => VolumePlacementPlanner.AccessModes(c) is var modes && !modes.Contains("ReadWriteMany") && !modes.Contains("ReadOnlyMany"));
        var namespacePods = readWriteOnce ? await cluster.ListPodsAsync(ns, cancellationToken).ConfigureAwait(false) : [];
        var decision = VolumePlacementPlanner.Plan(session, sourceClaim, destinationClaim, namespacePods);
        if (decision.Problem is not null)
        {
            problems.Add(decision.Problem);
            return null;
        }

        return decision;
    }

    private async Task<ReconcileResult> PodCreationProblemsAsync(PassView pass, bool suspended, List<SessionProblem> problems, CancellationToken cancellationToken)
    {
        if (suspended)
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var result = ReconcileResult.Done;
        foreach (var job in pass.Jobs.Where(j => !JobStates.IsFinished(j)))
        {
            var role = SessionNames.RoleOf(job.Metadata.Labels);
            if (role is null || pass.PodsOf(role.Value).Any())
            {
                continue;
            }

            var age = now - (job.Metadata.CreationTimestamp ?? now);
            if (age < PodCreationGrace)
            {
                result = ReconcileResult.Sooner(result, ReconcileResult.RequeueIn(PodCreationGrace - age));
                continue;
            }

            var warnings = await cluster.JobWarningsAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, cancellationToken).ConfigureAwait(false);
            if (warnings.Count > 0)
            {
                problems.Add(SessionProblem.Stalled(ConditionReasons.PodCreationRefused, $"Job {job.Metadata.Name}: {warnings[0]}"));
            }

            result = ReconcileResult.Sooner(result, ReconcileResult.RequeueIn(TimeSpan.FromSeconds(30)));
        }

        return result;
    }

    private async Task<ReconcileResult> WriteStatusAsync(string key, V1Alpha1ZkRsyncSession session, V1Alpha1ZkRsyncSessionStatus status, CancellationToken cancellationToken)
    {
        var current = JsonNode.Parse(KubernetesJson.Serialize(session.Status))?.AsObject();
        var desired = JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        var patch = MergePatch.Diff(current, desired);
        if (patch is null)
        {
            return ReconcileResult.Done;
        }

        var now = time.GetUtcNow();
        if (!Significant(session.Status, status) && _lastStatusWrite.TryGetValue(key, out var last) && now - last < settings.StatusInterval)
        {
            return ReconcileResult.RequeueIn(settings.StatusInterval - (now - last)); // numbers only: at most every interval
        }

        var meta = session.Metadata;
        await cluster.PatchSessionStatusAsync(meta.NamespaceProperty, meta.Name, new JsonObject { ["status"] = patch }, cancellationToken).ConfigureAwait(false);
        _written[key] = (meta.ResourceVersion, desired.ToJsonString());
        _lastStatusWrite[key] = now;
        metrics.StatusWrites.Inc();
        RecordEvents(key, session, status);
        return ReconcileResult.Done;
    }

    private void RecordEvents(string key, V1Alpha1ZkRsyncSession session, V1Alpha1ZkRsyncSessionStatus status)
    {
        foreach (var sessionEvent in SessionEvents.Between(session.Status, status))
        {
            if (sessionEvent.Reason == EventReasons.PathFailed)
            {
                var now = time.GetUtcNow();
                if (_lastPathFailedEvent.TryGetValue(key, out var last) && now - last < PathFailedEventInterval)
                {
                    continue; // rate-limited: the status lists the paths
                }

                _lastPathFailedEvent[key] = now;
            }

            events.Post(session, sessionEvent); // recorded in the background: an Event is worth less than the reconcile
        }
    }

    /// <summary>Phase, pass, workers or a condition changed: written at once; only numbers changed: throttled.</summary>
    private static bool Significant(V1Alpha1ZkRsyncSessionStatus? before, V1Alpha1ZkRsyncSessionStatus after) =>
        before is null
        || before.Phase != after.Phase
        || before.Pass != after.Pass
        || before.CompletionTime != after.CompletionTime
        || before.ObservedGeneration != after.ObservedGeneration
        || before.Workers != after.Workers
        || (before.Conditions?.Count ?? 0) != (after.Conditions?.Count ?? 0)
        || (before.Conditions ?? []).Zip(after.Conditions ?? []).Any(p => p.First.Type != p.Second.Type || p.First.Status != p.Second.Status || p.First.Reason != p.Second.Reason);

    private async Task<ReconcileResult> CleanUpPassAsync(string key, V1Alpha1ZkRsyncSession session, PassView pass, DateTime completedAt, CancellationToken cancellationToken)
    {
        var zkSession = ZooKeeperSessionOf(session, pass);
        if (!SkipsCleanup(session))
        {
            if (await StopPassJobsAsync(pass, completedAt, cancellationToken).ConfigureAwait(false) is { } waiting)
            {
                return waiting; // the Jobs' and pods' changes bring us back sooner
            }

            var problems = new List<SessionProblem>();
            var credentials = await CredentialsAsync(key, session, problems, cancellationToken).ConfigureAwait(false);
            var servers = ServersOf(session, problems);
            if (credentials is null || servers is null)
            {
                return ReconcileResult.RequeueIn(TimeSpan.FromSeconds(30));
            }

            try
            {
                await znodes.DeleteSessionAsync(servers, zkSession, credentials, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogZooKeeperFailed(logger, key, servers, e.Message);
                return ReconcileResult.RequeueIn(TimeSpan.FromSeconds(10));
            }
        }

        await tracker.StopAsync(key).ConfigureAwait(false);
        _cleanedPass[key] = pass.Number;
        return ReconcileResult.Done;
    }

    /// <summary>
    /// Before a recorded pass's znodes go, none of its Jobs may start a pod again: a master pod replaced by the Job
    /// controller (deleted or evicted before its Job counted it, or retried) would find the session's node gone and
    /// fail on re-creating it (only the operator may create under the root) until its Job fails. The Jobs get
    /// <see cref="SessionControllerSettings.FinishedJobsGrace"/> after the pass ended to finish on their own (workers
    /// exit once the master has; a replaced master finds the summary and ends too); then what has not finished is
    /// suspended (the record no longer needs it), and the znodes wait until its pods have stopped. Returns when to
    /// look again, or null once no Job of the pass can run.
    /// </summary>
    private async Task<ReconcileResult?> StopPassJobsAsync(PassView pass, DateTime completedAt, CancellationToken cancellationToken)
    {
        var unfinished = pass.Jobs.Where(j => !JobStates.IsFinished(j)).ToList();
        if (unfinished.Count == 0)
        {
            return null;
        }

        var left = settings.FinishedJobsGrace - (time.GetUtcNow().UtcDateTime - completedAt);
        if (left > TimeSpan.Zero && unfinished.Any(j => j.Spec?.Suspend != true))
        {
            return ReconcileResult.RequeueIn(left);
        }

        var running = false;
        foreach (var job in unfinished)
        {
            if (job.Spec?.Suspend != true)
            {
                await cluster.SetJobSuspendedAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, true, cancellationToken).ConfigureAwait(false);
            }

            var role = SessionNames.RoleOf(job.Metadata.Labels);
            running |= pass.Pods.Any(p => SessionNames.RoleOf(p.Metadata.Labels) == role && p.Status?.Phase is not ("Succeeded" or "Failed"));
        }

        return running ? ReconcileResult.RequeueIn(TimeSpan.FromSeconds(5)) : null;
    }

    private async Task<ReconcileResult> FinalizeAsync(string key, V1Alpha1ZkRsyncSession session, CancellationToken cancellationToken)
    {
        if (!session.HasFinalizer(SessionNames.Finalizer))
        {
            return ReconcileResult.Done;
        }

        await tracker.StopAsync(key).ConfigureAwait(false);
        var owned = jobs.ByIndex(key);
        foreach (var job in owned)
        {
            await cluster.DeleteJobAsync(job.Metadata.NamespaceProperty, job.Metadata.Name, cancellationToken).ConfigureAwait(false);
        }

        if (owned.Count > 0)
        {
            return ReconcileResult.RequeueIn(TimeSpan.FromSeconds(2)); // back when the Jobs are gone (their DELETED events)
        }

        if (!SkipsCleanup(session))
        {
            var problems = new List<SessionProblem>();
            var credentials = await CredentialsAsync(key, session, problems, cancellationToken).ConfigureAwait(false)
                              ?? new ZooKeeperCredentials(SessionNames.ZooKeeperUser(session.Metadata.NamespaceProperty, session.Metadata.Name, session.Metadata.Uid), string.Empty);
            var servers = ServersOf(session, problems);
            if (servers is not null)
            {
                try
                {
                    var meta = session.Metadata;
                    await znodes.DeleteSessionsAsync(servers, SessionNames.ZooKeeperSessionPrefix(meta.NamespaceProperty, meta.Name, meta.Uid), credentials, cancellationToken).ConfigureAwait(false);
                    _zooKeeperFailures.TryRemove(key, out _);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    var failures = _zooKeeperFailures.AddOrUpdate(key, 1, (_, n) => n + 1);
                    LogZooKeeperFailed(logger, key, servers, e.Message);
                    await ReportCleanupBlockedAsync(key, session, $"cannot remove the session's ZooKeeper nodes from {servers}: {e.Message}; retrying " +
                        $"(annotate {SessionNames.SkipCleanupAnnotation}=\"true\" to skip)", cancellationToken).ConfigureAwait(false);
                    return ReconcileResult.RequeueIn(BackoffPolicy.Watch.Delay(failures));
                }
            }
        }

        await UpdateFinalizersAsync(session, add: false, cancellationToken).ConfigureAwait(false);
        LogFinalized(logger, key);
        await ForgetAsync(key).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    private async Task ReportCleanupBlockedAsync(string key, V1Alpha1ZkRsyncSession session, string message, CancellationToken cancellationToken)
    {
        var status = KubernetesJson.Deserialize<V1Alpha1ZkRsyncSessionStatus>(KubernetesJson.Serialize(session.Status ?? new V1Alpha1ZkRsyncSessionStatus()));
        status.Conditions ??= [];
        var stalled = status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Stalled);
        if (stalled is { Status: "True", Reason: ConditionReasons.CleanupBlocked } && stalled.Message == message)
        {
            return;
        }

        if (stalled is null)
        {
            stalled = new V1Condition { Type = ConditionTypes.Stalled };
            status.Conditions.Add(stalled);
        }

        if (stalled.Status != "True")
        {
            stalled.LastTransitionTime = StatusBuilder.Seconds(time.GetUtcNow().UtcDateTime)!.Value;
        }

        stalled.Status = "True";
        stalled.Reason = ConditionReasons.CleanupBlocked;
        stalled.Message = message;
        stalled.ObservedGeneration = session.Metadata.Generation;
        status.Message = message;
        await WriteStatusAsync(key, session, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds or removes the finalizer with a merge patch that carries the resourceVersion read, so a
    /// concurrent change makes the server answer 409; then the fresh object is read and the patch made again.</summary>
    private async Task<V1Alpha1ZkRsyncSession?> UpdateFinalizersAsync(V1Alpha1ZkRsyncSession session, bool add, CancellationToken cancellationToken)
    {
        var meta = session.Metadata;
        for (var attempt = 1; ; attempt++)
        {
            var finalizers = (session.Metadata.Finalizers ?? []).Where(f => f != SessionNames.Finalizer).ToList();
            if (add)
            {
                finalizers.Add(SessionNames.Finalizer);
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f)!)]),
                    ["resourceVersion"] = session.Metadata.ResourceVersion,
                },
            };
            try
            {
                return await cluster.PatchSessionAsync(meta.NamespaceProperty, meta.Name, patch, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                session = await cluster.GetSessionAsync(meta.NamespaceProperty, meta.Name, cancellationToken).ConfigureAwait(false)
                          ?? throw new InvalidOperationException($"{meta.NamespaceProperty}/{meta.Name} vanished", e);
                if (add == session.HasFinalizer(SessionNames.Finalizer))
                {
                    return session;
                }
            }
        }
    }

    /// <summary>The workers' ZooKeeper credentials: the session's own Secret or the one it names (read once, then
    /// remembered while the Secret's name stays the same).</summary>
    private async Task<ZooKeeperCredentials?> CredentialsAsync(string key, V1Alpha1ZkRsyncSession session, List<SessionProblem> problems, CancellationToken cancellationToken)
    {
        var secretName = SessionSecretBuilder.CredentialsSecretName(session);
        if (_credentials.TryGetValue(key, out var known) && known.Secret == secretName)
        {
            return known.Credentials;
        }

        var secret = await cluster.GetSecretAsync(session.Metadata.NamespaceProperty, secretName, cancellationToken).ConfigureAwait(false);
        var credentials = CredentialsIn(secret);
        if (credentials is null)
        {
            var field = session.Spec.ZooKeeper?.CredentialsSecretRef is null ? "the session's Secret" : "spec.zookeeper.credentialsSecretRef";
            problems.Add(SessionProblem.Stalled(ConditionReasons.SecretNotFound,
                $"{field}: Secret {secretName} {(secret is null ? "not found" : "lacks the keys user and password")} in namespace {session.Metadata.NamespaceProperty}"));
            return null;
        }

        _credentials[key] = (secretName, credentials);
        return credentials;
    }

    /// <summary>The ZooKeeper credentials a Secret holds (keys user and password), or null.</summary>
    private static ZooKeeperCredentials? CredentialsIn(V1Secret? secret)
    {
        var user = secret?.Data?.TryGetValue(WorkerDefaults.UserKey, out var u) == true ? Encoding.UTF8.GetString(u).Trim() : null;
        var password = secret?.Data?.TryGetValue(WorkerDefaults.PasswordKey, out var p) == true ? Encoding.UTF8.GetString(p).Trim() : null;
        return string.IsNullOrEmpty(user) || password is null ? null : new ZooKeeperCredentials(user, password);
    }

    private string? ServersOf(V1Alpha1ZkRsyncSession session, List<SessionProblem> problems)
    {
        var servers = session.Spec.ZooKeeper?.Servers ?? settings.DefaultServers;
        if (string.IsNullOrWhiteSpace(servers))
        {
            problems.Add(SessionProblem.Stalled(ConditionReasons.InvalidSpec, "spec.zookeeper.servers is not set and the operator has no default ensemble"));
            return null;
        }

        return servers;
    }

    private static string ZooKeeperSessionOf(V1Alpha1ZkRsyncSession session, PassView pass) =>
        SessionNames.ValueOf(pass.Master?.Metadata.Annotations, SessionNames.ZooKeeperSessionAnnotation)
        ?? SessionNames.ZooKeeperSession(session.Metadata.NamespaceProperty, session.Metadata.Name, session.Metadata.Uid, pass.Number);

    private static SessionProblem? NameProblem(V1Alpha1ZkRsyncSession session)
    {
        if (!SessionNames.IsValidSessionName(session.Metadata.Name))
        {
            return SessionProblem.Failed(ConditionReasons.InvalidSpec,
                $"metadata.name: at most {ZkRsyncSessionResource.MaxNameLength} lowercase letters, digits and '-' (Job, label and ZooKeeper names derive from it)");
        }

        var extra = session.Spec.Rsync?.ExtraArgs?.Select(RsyncExtraArgs.Problem).FirstOrDefault(p => p is not null);
        return extra is null ? null : SessionProblem.Failed(ConditionReasons.InvalidSpec, extra);
    }

    private static bool SkipsCleanup(V1Alpha1ZkRsyncSession session) =>
        string.Equals(SessionNames.ValueOf(session.Metadata.Annotations, SessionNames.SkipCleanupAnnotation), "true", StringComparison.OrdinalIgnoreCase);

    private async Task ForgetAsync(string key)
    {
        await tracker.StopAsync(key).ConfigureAwait(false);
        _lastStatusWrite.TryRemove(key, out _);
        _written.TryRemove(key, out _);
        _lastPathFailedEvent.TryRemove(key, out _);
        _zooKeeperFailures.TryRemove(key, out _);
        _credentials.TryRemove(key, out _);
        _cleanedPass.TryRemove(key, out _);
        _networkPolicies.TryRemove(key, out _);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        metrics.ForgetSession(key[..slash], key[(slash + 1)..]);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: pass {Pass} started ({Trigger}), ZooKeeper session {Session}")]
    private static partial void LogPassStarted(ILogger logger, string key, int pass, PassTrigger trigger, string session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: ZooKeeper {Servers}: {Error}")]
    private static partial void LogZooKeeperFailed(ILogger logger, string key, string servers, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: cleaned up, finalizer removed")]
    private static partial void LogFinalized(ILogger logger, string key);
}
