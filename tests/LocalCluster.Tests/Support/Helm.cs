namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>The real helm against the local server, with private cache, config and data directories.</summary>
public sealed class Helm
{
    private readonly string _kubeconfig;
    private readonly Dictionary<string, string> _environment;
    private readonly string _namespace;

    public Helm(string kubeconfig, string home, string ns)
    {
        _kubeconfig = kubeconfig;
        _namespace = ns;
        _environment = new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
    }

    public Task<CommandResult> TryAsync(params string[] arguments) =>
        CommandRunner.RunAsync(ClientTools.Helm, ["--kubeconfig", _kubeconfig, "--namespace", _namespace, .. arguments], _environment, null,
            TimeSpan.FromSeconds(120), CancellationToken.None);

    public async Task<string> RunAsync(params string[] arguments) => (await TryAsync(arguments).ConfigureAwait(false)).EnsureSuccess().Output;
}
