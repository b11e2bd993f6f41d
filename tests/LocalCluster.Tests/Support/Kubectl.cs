namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>
/// The real kubectl against the local server: its own kubeconfig (an identity's token), a fresh
/// <c>--cache-dir</c> (discovery is cached on disk), a default namespace.
/// </summary>
public sealed class Kubectl
{
    private readonly string _kubeconfig;
    private readonly string _cacheDirectory;
    private readonly string? _namespace;

    public Kubectl(string kubeconfig, string cacheDirectory, string? ns)
    {
        _kubeconfig = kubeconfig;
        _cacheDirectory = cacheDirectory;
        _namespace = ns;
    }

    /// <summary>Runs kubectl; a non-zero exit is returned, not thrown.</summary>
    public Task<CommandResult> TryAsync(params string[] arguments) => TryWithInputAsync(null, arguments);

    /// <summary>Runs kubectl with <paramref name="input"/> on standard input (<c>-f -</c>).</summary>
    public Task<CommandResult> TryWithInputAsync(string? input, params string[] arguments)
    {
        var all = new List<string> { "--kubeconfig", _kubeconfig, "--cache-dir", _cacheDirectory };
        if (_namespace is not null)
        {
            all.AddRange(["--namespace", _namespace]);
        }

        all.AddRange(arguments);
        return CommandRunner.RunAsync(ClientTools.Kubectl, all, new Dictionary<string, string>(), input, TimeSpan.FromSeconds(120), CancellationToken.None);
    }

    /// <summary>Runs kubectl and returns its standard output; throws when it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments) => (await TryAsync(arguments).ConfigureAwait(false)).EnsureSuccess().Output;

    /// <summary><c>kubectl wait --for=CONDITION</c> on <paramref name="resources"/> (names or <c>-l</c> selectors), up to
    /// 90 s (the machine may be loaded); throws when the condition is not met.</summary>
    public Task<string> WaitAsync(string condition, params string[] resources) => RunAsync(["wait", $"--for={condition}", "--timeout=90s", .. resources]);

    /// <summary>One field of one object (<c>-o jsonpath</c>).</summary>
    public Task<string> JsonPathAsync(string resource, string jsonPath) => RunAsync("get", resource, "-o", $"jsonpath={jsonPath}");

    /// <summary>Applies YAML given on standard input.</summary>
    public async Task<string> ApplyAsync(string yaml, params string[] extra) =>
        (await TryWithInputAsync(yaml, ["apply", "-f", "-", .. extra]).ConfigureAwait(false)).EnsureSuccess().Output;
}
