namespace ZkSync.Testing;

/// <summary>
/// The lines a test's child process prints (one stream, or several merged), as they arrive, and the one way to
/// wait for a line: already seen or still to come, until the process exits or a timeout passes. Thread-safe.
/// </summary>
public sealed class OutputLines
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Every line so far, joined with newlines.</summary>
    public string Text => string.Join('\n', Lines);

    /// <summary>Reads <paramref name="reader"/> to its end, adding each line to every one of <paramref name="sinks"/>.</summary>
    public static async Task PumpAsync(StreamReader reader, params OutputLines[] sinks)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sinks);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            foreach (var sink in sinks)
            {
                sink.Add(line);
            }
        }
    }

    public void Add(string line)
    {
        List<TaskCompletionSource<string>> matched = [];
        lock (_gate)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    matched.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var found in matched)
        {
            found.TrySetResult(line);
        }
    }

    /// <summary>The first line (already seen or still to come) matching <paramref name="match"/>.</summary>
    /// <param name="description">What is waited for, for the timeout message.</param>
    /// <param name="owner">Who prints it (a label, a command line), for the timeout message.</param>
    /// <param name="exited">Completes (with the exit code) when the printer has exited: no line comes after that.</param>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the printer exited without it.</exception>
    public async Task<string> WaitForAsync(Func<string, bool> match, string description, string owner, Task<int> exited, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(exited);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        using var deadline = new CancellationTokenSource(timeout);
        var timedOut = Task.Delay(Timeout.Infinite, deadline.Token);
        var first = await Task.WhenAny(found.Task, exited, timedOut).ConfigureAwait(false);
        if (first == found.Task)
        {
            return await found.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Found == found);
            if (_lines.FirstOrDefault(match) is { } late)
            {
                return late;
            }
        }

        throw new TimeoutException(first == exited
            ? $"{owner} exited ({await exited.ConfigureAwait(false)}) without printing \"{description}\""
            : $"{owner} did not print \"{description}\" within {timeout}");
    }

    /// <summary>As <see cref="WaitForAsync(Func{string, bool}, string, string, Task{int}, TimeSpan)"/> for a line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text, string owner, Task<int> exited, TimeSpan timeout) =>
        WaitForAsync(line => line.Contains(text, StringComparison.Ordinal), text, owner, exited, timeout);
}
