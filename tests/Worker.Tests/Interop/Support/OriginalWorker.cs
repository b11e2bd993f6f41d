using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkSync.Testing;

namespace ZkSync.Worker.Tests.Interop.Support;

/// <summary>
/// One running original-style zkrsync role (<c>Scripts/original_zkrsync.py</c> under kazoo 2.8): its
/// output line by line, a wait for a line, its exit as a task. Disposing kills it and its rsync children.
/// </summary>
public sealed class OriginalWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Text, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdout;
    private readonly Task _stderr;

    private OriginalWorker(string label, IReadOnlyList<string> arguments)
    {
        Label = label;
        Arguments = arguments;
        var startInfo = new ProcessStartInfo(KazooScript.Python)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(ScriptPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        _process = new Process { StartInfo = startInfo };
        _process.Start();
        _process.StandardInput.Close();
        ProcessId = _process.Id;
        _stdout = PumpAsync(_process.StandardOutput);
        _stderr = PumpAsync(_process.StandardError);
        _ = FollowExitAsync();
    }

    /// <summary>The script: the original's source (master when it wins the lock) and destination roles.</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Interop", "Scripts", "original_zkrsync.py");

    public string Label { get; }

    public IReadOnlyList<string> Arguments { get; }

    public int ProcessId { get; }

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <c>python3 original_zkrsync.py arguments…</c> (checks kazoo is importable first).</summary>
    public static async Task<OriginalWorker> StartAsync(string label, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        await KazooScript.EnsureInstalledAsync(CancellationToken.None).ConfigureAwait(false);
        return new OriginalWorker(label, [.. arguments]);
    }

    /// <summary>The first output line (seen or to come) containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } seen)
            {
                return seen;
            }

            _waiters.Add((text, found));
        }

        var first = await Task.WhenAny(found.Task, Exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == found.Task)
        {
            return await found.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Found == found);
            if (_lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } late)
            {
                return late;
            }
        }

        throw new TimeoutException(first == Exited
            ? $"{Label} exited ({await Exited.ConfigureAwait(false)}) without printing \"{text}\""
            : $"{Label} did not print \"{text}\" within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Label} (original, pid {ProcessId})");

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            List<TaskCompletionSource<string>> matched = [];
            lock (_gate)
            {
                _lines.Add(line);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (line.Contains(_waiters[i].Text, StringComparison.Ordinal))
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
    }

    private async Task FollowExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
    }
}
