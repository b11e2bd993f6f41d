using k8s.Models;

namespace ZkSync.LocalCluster.Kubelet.Runtime.Probes;

/// <summary>
/// Runs one probe of one container instance on the kubelet's schedule (pkg/kubelet/prober/worker.go): after
/// <c>initialDelaySeconds</c> from the start, then every <c>periodSeconds</c>; a result counts only after
/// <c>successThreshold</c> (<c>failureThreshold</c>) equal attempts in a row, and is reported only when it
/// changes. Readiness starts as failed, liveness as succeeded, startup as unknown. Readiness and liveness wait
/// for the startup probe to succeed; a startup probe stops once it has; a liveness or startup failure ends the
/// worker (the instance is killed).
/// </summary>
internal sealed class ProbeWorker(
    ProbeKind kind, V1Probe probe, Prober prober, ProbeTarget target, IProbeOwner owner, TimeProvider time)
{
    private TaskCompletionSource _trigger = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProbeKind Kind => kind;

    /// <summary>Probes now instead of at the next period (the kubelet does so for readiness once the startup
    /// probe succeeds).</summary>
    public void Trigger() => Volatile.Read(ref _trigger).TrySetResult();

    public async Task RunAsync(DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10));
        var successThreshold = Math.Max(1, probe.SuccessThreshold ?? 1);
        var failureThreshold = Math.Max(1, probe.FailureThreshold ?? 3);
        var firstProbe = startedAt + TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds ?? 0));
        bool? result = kind switch { ProbeKind.Readiness => false, ProbeKind.Liveness => true, _ => null };
        bool? lastAttempt = null;
        var run = 0;
        var untilFirst = firstProbe - time.GetUtcNow();
        if (untilFirst > TimeSpan.Zero)
        {
            await Task.Delay(untilFirst, time, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var trigger = Volatile.Read(ref _trigger);
            if (owner.ShouldProbe(kind))
            {
                var outcome = await prober.RunAsync(probe, target, cancellationToken).ConfigureAwait(false);
                owner.OnAttempt(kind, outcome);
                run = lastAttempt == outcome.Success ? run + 1 : 1;
                lastAttempt = outcome.Success;
                var counted = run >= (outcome.Success ? successThreshold : failureThreshold);
                if (counted && result != outcome.Success)
                {
                    result = outcome.Success;
                    owner.OnResult(kind, outcome);
                    if (!outcome.Success && kind != ProbeKind.Readiness)
                    {
                        return;
                    }
                }

                if (outcome.Success && kind == ProbeKind.Startup && counted)
                {
                    return;
                }
            }

            await Task.WhenAny(trigger.Task, Task.Delay(period, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (trigger.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _trigger, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), trigger);
            }
        }
    }
}
