using Cronos;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Whether a new pass starts now, and when the schedule starts the next one (pure).</summary>
/// <param name="ScheduleProblem">An invalid cron expression, for a Stalled condition.</param>
public sealed record PassDecision(PassTrigger Start, DateTime? NextSyncTime, SessionProblem? ScheduleProblem)
{
    /// <summary>
    /// A new pass starts when the previous one is recorded as finished (<c>status.completionTime</c> of the current pass;
    /// its Jobs and znodes may be gone) or none ran yet, the session is not suspended, and: it is the first pass, the
    /// manual trigger has a new value, or the schedule is due.
    /// </summary>
    public static PassDecision Decide(V1Alpha1ZkRsyncSession session, PassView pass, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(pass);
        var status = session.Status;
        var trigger = session.Spec.Trigger;
        DateTime? next = null;
        SessionProblem? problem = null;
        if (!string.IsNullOrWhiteSpace(trigger?.Schedule))
        {
            if (TryParse(trigger.Schedule, out var cron, out var error))
            {
                var from = status.LastSyncTime ?? status.StartTime ?? session.Metadata.CreationTimestamp ?? now;
                next = cron.GetNextOccurrence(DateTime.SpecifyKind(from, DateTimeKind.Utc), TimeZoneInfo.Utc);
            }
            else
            {
                problem = SessionProblem.Stalled(ConditionReasons.InvalidSpec, $"spec.trigger.schedule: {error}");
            }
        }

        var recordedFinished = pass.Number == 0 || (status.Pass == pass.Number && status.CompletionTime is not null);
        if (session.Spec.IsSuspended || !recordedFinished)
        {
            return new PassDecision(PassTrigger.None, next, problem);
        }

        if (pass.Number == 0)
        {
            return new PassDecision(PassTrigger.Initial, next, problem);
        }

        if (!string.IsNullOrEmpty(trigger?.Manual) && trigger.Manual != status.LastManualSync)
        {
            return new PassDecision(PassTrigger.Manual, next, problem);
        }

        if (next is { } due && now >= due)
        {
            return new PassDecision(PassTrigger.Schedule, next, problem);
        }

        return new PassDecision(PassTrigger.None, next, problem);
    }

    /// <summary>A 5-field cron expression (or a 6-field one with seconds), as Kubernetes CronJobs take; also @hourly, @daily ...</summary>
    public static bool TryParse(string text, out CronExpression cron, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var fields = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            cron = CronExpression.Parse(trimmed, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            error = string.Empty;
            return true;
        }
        catch (CronFormatException e)
        {
            cron = null!;
            error = $"'{text}' is not a cron expression: {e.Message}";
            return false;
        }
    }
}
