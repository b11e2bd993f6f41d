using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// Runs state and watch callbacks one at a time, in the order they were posted, on a task of its
/// own: the reader loop only posts, so a slow or throwing handler delays later events but never
/// blocks the connection or loses an event.
/// </summary>
internal sealed class EventDispatcher : IAsyncDisposable
{
    private readonly Channel<Action> _queue =
        Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ILogger _logger;
    private readonly Task _loop;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(Action callback) => _queue.Writer.TryWrite(callback);

    public void Post<T>(Action<T> handler, T argument) => Post(() => handler(argument));

    /// <summary>Delivers what was posted so far, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var callback in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                callback();
            }
#pragma warning disable CA1031 // A handler's failure must not stop delivery of later events.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _logger.LogError(exception, "A ZooKeeper event handler threw; later events are still delivered");
            }
        }
    }
}
