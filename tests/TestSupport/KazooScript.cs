using System.Diagnostics;

namespace ZkSync.Testing;

/// <summary>
/// Runs Python scripts with Debian's kazoo (<c>python3-kazoo</c>) under <c>/usr/bin/python3</c>,
/// the reference client our ZooKeeper client and recipes must interoperate with. Pass connection
/// strings and paths as arguments (<c>sys.argv[1:]</c>) or environment variables, never by
/// formatting them into the script.
/// </summary>
public static class KazooScript
{
    public const string Python = "/usr/bin/python3";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lock CheckGate = new();
    private static Task? _installationCheck;

    /// <summary>Runs <c>/usr/bin/python3 -c script args...</c>; <c>sys.argv[0]</c> is "-c".</summary>
    /// <param name="timeout">Kill the script and throw <see cref="TimeoutException"/> after this; 60 s when null.</param>
    public static async Task<KazooResult> RunAsync(
        string script,
        IEnumerable<string>? arguments,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        return await RunPythonAsync(["-c", script, .. arguments ?? []], environment, timeout ?? DefaultTimeout, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Runs <c>script</c> with default arguments: no arguments, no extra environment, 60 s timeout.</summary>
    public static Task<KazooResult> RunAsync(string script, CancellationToken cancellationToken) =>
        RunAsync(script, arguments: null, environment: null, timeout: null, cancellationToken);

    /// <summary>Runs <c>/usr/bin/python3 scriptPath args...</c>.</summary>
    /// <param name="timeout">Kill the script and throw <see cref="TimeoutException"/> after this; 60 s when null.</param>
    public static async Task<KazooResult> RunFileAsync(
        string scriptPath,
        IEnumerable<string>? arguments,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException("The kazoo script does not exist.", scriptPath);
        }

        await EnsureInstalledAsync(cancellationToken).ConfigureAwait(false);
        return await RunPythonAsync([scriptPath, .. arguments ?? []], environment, timeout ?? DefaultTimeout, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> saying what to install unless /usr/bin/python3 can import kazoo.</summary>
    public static Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        lock (CheckGate)
        {
            // One check per process; a failed check is not cached, so its message comes every time.
            if (_installationCheck is null || _installationCheck.IsFaulted || _installationCheck.IsCanceled)
            {
                _installationCheck = CheckInstallationAsync(cancellationToken);
            }

            return _installationCheck;
        }
    }

    private static async Task CheckInstallationAsync(CancellationToken cancellationToken)
    {
        const string hint = "install it with: apt-get install -y python3-kazoo (or run ./test.sh, which does)";
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} was not found: {hint}");
        }

        var result = await RunPythonAsync(["-c", "import kazoo"], null, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{Python} cannot import kazoo: {hint}\n{result.StandardError}");
        }
    }

    private static async Task<KazooResult> RunPythonAsync(
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(Python)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"The kazoo script did not finish within {timeout} and was killed.\n--- stdout ---\n{await stdout.ConfigureAwait(false)}\n--- stderr ---\n{await stderr.ConfigureAwait(false)}");
        }

        return new KazooResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
