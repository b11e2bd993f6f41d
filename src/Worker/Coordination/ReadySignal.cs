using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// Follows <c>S/watch/ready</c>: <see cref="Present"/> completes once the master has created it
/// (workers started before the master wait instead of crashing, the original's bug 4), and
/// <see cref="Stopped"/> once it says <c>stop</c>, or disappears after having been seen.
/// </summary>
internal sealed partial class ReadySignal : IAsyncDisposable
{
    private readonly TaskCompletionSource _present = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _watching;
    private readonly Task _loop;
    private readonly ILogger _logger;

    public ReadySignal(WorkerSession session, CancellationToken cancellationToken)
    {
        _logger = session.LoggerFactory.CreateLogger<ReadySignal>();
        _watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = new DataWatch(session.Client, ZnodeLayout.Ready(session.Name), session.Recipes);
        _loop = Task.Run(() => FollowAsync(watch, _watching.Token), CancellationToken.None);
    }

    public Task Present => _present.Task;

    public Task Stopped => _stopped.Task;

    public async ValueTask DisposeAsync()
    {
        await _watching.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped watching.
        }

        _watching.Dispose();
    }

    private async Task FollowAsync(DataWatch watch, CancellationToken cancellationToken)
    {
        var seen = false;
        try
        {
            await foreach (var snapshot in watch.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!snapshot.Exists)
                {
                    if (seen)
                    {
                        LogReadyRemoved(_logger);
                        _stopped.TrySetResult();
                        return;
                    }

                    LogWaitingForMaster(_logger);
                    continue;
                }

                seen = true;
                _present.TrySetResult();
                var value = Encoding.UTF8.GetString(snapshot.Data ?? []);
                if (value == ZnodeLayout.ReadyStop)
                {
                    LogStopReceived(_logger);
                    _stopped.TrySetResult();
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _present.TrySetException(exception);
            _stopped.TrySetException(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the master to start the session (watch/ready not there yet)")]
    private static partial void LogWaitingForMaster(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The master said stop")]
    private static partial void LogStopReceived(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch/ready was removed: the session is over")]
    private static partial void LogReadyRemoved(ILogger logger);
}
