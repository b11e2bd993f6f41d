using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkSync.Testing;

namespace ZkSync.Worker.IntegrationTests.Interop.Support;

/// <summary>
/// One running original-style zkrsync role (<c>Scripts/original_zkrsync.py</c> under kazoo 2.8): its
/// output line by line, a wait for a line, its exit as a task. Disposing kills it and its rsync children.
/// </summary>
public sealed class OriginalWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputLines _lines = new();
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
        _stdout = OutputLines.PumpAsync(_process.StandardOutput, _lines);
        _stderr = OutputLines.PumpAsync(_process.StandardError, _lines);
        _ = FollowExitAsync();
    }

    /// <summary>The script: the original's source (master when it wins the lock) and destination roles.</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Interop", "Scripts", "original_zkrsync.py");

    public string Label { get; }

    public IReadOnlyList<string> Arguments { get; }

    public int ProcessId { get; }

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public string Output => _lines.Text;

    /// <summary>Starts <c>python3 original_zkrsync.py arguments…</c> (checks kazoo is importable first).</summary>
    public static async Task<OriginalWorker> StartAsync(string label, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        await KazooScript.EnsureInstalledAsync(CancellationToken.None).ConfigureAwait(false);
        return new OriginalWorker(label, [.. arguments]);
    }

    /// <summary>The first output line (seen or to come) containing <paramref name="text"/>.</summary>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout) => _lines.WaitForAsync(text, Label, Exited, timeout);

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

    private async Task FollowExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(_stdout, _stderr).ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
    }
}
