using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Reconciliation;

namespace ZkSync.Operator.Controller;

/// <summary>
/// Records a leadership term's Events in the background, one at a time, as client-go's broadcaster does: a reconcile
/// hands its Events over and goes on, so an Event's round trip never holds a session's key (in a burst of new sessions
/// it was one request in five). Events are worth less than reconciles: beyond <see cref="Capacity"/> waiting, the oldest
/// is dropped, and a refused one is logged, not retried. The term's end records what waits, within a grace.
/// </summary>
public sealed partial class SessionEventRecorder : IAsyncDisposable
{
    /// <summary>Events waiting at most (client-go keeps 1,000 too).</summary>
    public const int Capacity = 1000;

    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly ISessionCluster _cluster;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<(V1Alpha1ZkRsyncSession Session, SessionEvent Event)> _waiting =
        Channel.CreateBounded<(V1Alpha1ZkRsyncSession, SessionEvent)>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _recording;

    public SessionEventRecorder(ISessionCluster cluster, TimeProvider time, ILogger<SessionEventRecorder> logger)
    {
        _cluster = cluster;
        _time = time;
        _logger = logger;
        _recording = Task.Run(() => RecordAsync(_stop.Token));
    }

    /// <summary>Queues the Event (never waits).</summary>
    public void Post(V1Alpha1ZkRsyncSession session, SessionEvent sessionEvent) => _waiting.Writer.TryWrite((session, sessionEvent));

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        if (await Task.WhenAny(_recording, Task.Delay(DrainGrace, _time, CancellationToken.None)).ConfigureAwait(false) != _recording)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _recording.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RecordAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (session, sessionEvent) in _waiting.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await _cluster.RecordEventAsync(session, sessionEvent, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogEventFailed(_logger, $"{session.Metadata.NamespaceProperty}/{session.Metadata.Name}", sessionEvent.Reason, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended with Events still waiting: dropped.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: recording event {Reason} failed: {Error}")]
    private static partial void LogEventFailed(ILogger logger, string key, string reason, string error);
}
