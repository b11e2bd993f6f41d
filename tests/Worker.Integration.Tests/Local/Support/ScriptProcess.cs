using System.Diagnostics;
using System.Text;
using ZkSync.Testing;

namespace ZkSync.Worker.IntegrationTests.Local.Support;

/// <summary>
/// Any program run by a test (git, the <c>./zkrsync</c> wrapper): an argument list, stdout and stderr kept
/// apart line by line, a wait for a stderr line, the exit as a task, and a kill of the whole process tree.
/// <c>ZKRSYNC_*</c> variables of the test runner are not passed on.
/// </summary>
public sealed class ScriptProcess : IDisposable
{
    private readonly Process _process;
    private readonly OutputLines _stdout = new();
    private readonly OutputLines _stderr = new();
    private readonly Task<int> _exited;

    private ScriptProcess(string program, IReadOnlyList<string> arguments, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        CommandLine = $"{program} {string.Join(' ', arguments)}";
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ZKRSYNC_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        _process.StandardInput.Close();
        var stdout = OutputLines.PumpAsync(_process.StandardOutput, _stdout);
        var stderr = OutputLines.PumpAsync(_process.StandardError, _stderr);
        _exited = FollowExitAsync(stdout, stderr);
    }

    public string CommandLine { get; }

    public IReadOnlyList<string> StandardOutputLines => _stdout.Lines;

    public IReadOnlyList<string> StandardErrorLines => _stderr.Lines;

    public static ScriptProcess Start(string program, IReadOnlyList<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new(program, arguments, workingDirectory, environment);

    /// <summary>Runs to the end; fails the test with the output unless it exits 0 within <paramref name="timeout"/>.</summary>
    public static async Task<ScriptProcess> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var process = Start(program, arguments, workingDirectory);
        var code = await process.WaitForExitAsync(timeout);
        Assert.True(code == 0, $"{process.CommandLine} exited with {code}:\n{process}");
        return process;
    }

    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is then killed).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            return await _exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            KillTree();
            throw new TimeoutException($"{CommandLine} did not exit within {timeout}:\n{this}");
        }
    }

    /// <summary>Waits until a stderr line contains <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited without printing it.</exception>
    public async Task WaitForErrorLineAsync(string text, TimeSpan timeout)
    {
        try
        {
            await _stderr.WaitForAsync(text, CommandLine, _exited, timeout);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message} on stderr:\n{this}", exception);
        }
    }

    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public override string ToString() =>
        $"--- stdout\n{string.Join('\n', StandardOutputLines)}\n--- stderr\n{string.Join('\n', StandardErrorLines)}";

    public void Dispose()
    {
        KillTree();
        _process.Dispose();
    }

    private async Task<int> FollowExitAsync(Task stdout, Task stderr)
    {
        await _process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        return _process.ExitCode;
    }
}
