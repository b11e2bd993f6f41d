using System.Threading.Channels;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>
/// Collects events from callbacks (watches, state changes) so a test can await them one by one,
/// each with a timeout: the signal to wait on instead of sleeping.
/// </summary>
internal sealed class EventQueue<T>
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly Channel<T> _events = Channel.CreateUnbounded<T>();

    /// <summary>A callback that records its argument; pass it as a watcher or event handler.</summary>
    public void Add(T item) => _events.Writer.TryWrite(item);

    /// <summary>Waits for the next event; throws <see cref="TimeoutException"/> saying what was awaited.</summary>
    public async Task<T> NextAsync(string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await _events.Reader.ReadAsync().AsTask().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No event within {limit.TotalSeconds:0.#} s: expected {what}.");
        }
    }

    /// <summary>Waits until an event matches, returning the ones skipped on the way.</summary>
    public async Task<List<T>> UntilAsync(Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        var seen = new List<T>();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var item = await _events.Reader.ReadAsync(deadline.Token);
                seen.Add(item);
                if (match(item))
                {
                    return seen;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching event within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s: expected {what}; saw [{string.Join(", ", seen)}].");
        }
    }

    /// <summary>The events received so far and not yet taken.</summary>
    public List<T> Drain()
    {
        var items = new List<T>();
        while (_events.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
