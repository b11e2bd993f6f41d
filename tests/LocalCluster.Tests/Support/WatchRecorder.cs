using System.Threading.Channels;
using k8s;

namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>
/// Consumes a KubernetesClient watch in the background: its events and errors go to a channel the
/// test reads with timeouts, and how it ended (completed or thrown) is kept.
/// </summary>
public sealed class WatchRecorder<T> : IAsyncDisposable
{
    private readonly Channel<(WatchEventType Type, T? Object, Exception? Error)> _events = Channel.CreateUnbounded<(WatchEventType, T?, Exception?)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public WatchRecorder(Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> start)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, item) in start(e => _events.Writer.TryWrite((WatchEventType.Error, default, e)), _stop.Token).ConfigureAwait(false))
                {
                    _events.Writer.TryWrite((type, item, null));
                }

                _events.Writer.TryComplete();
            }
#pragma warning disable CA1031 // Whatever ended the watch is what the test inspects.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _events.Writer.TryComplete(e);
            }
        });
    }

    /// <summary>The next event (or error event), failing the test after <paramref name="timeout"/>; null when the watch ended.</summary>
    public async Task<(WatchEventType Type, T? Object, Exception? Error)?> NextAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            if (await _events.Reader.WaitToReadAsync(deadline.Token).ConfigureAwait(false) && _events.Reader.TryRead(out var next))
            {
                return next;
            }

            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no watch event within {timeout}");
        }
    }

    /// <summary>Waits until the watch ended; returns the exception it ended with, or null when it completed.</summary>
    public async Task<Exception?> EndAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var _ in _events.Reader.ReadAllAsync(deadline.Token).ConfigureAwait(false))
            {
            }

            return null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"the watch did not end within {timeout}");
        }
#pragma warning disable CA1031
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
