using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.Chart.Tests.Support;

/// <summary>A local API server with the ZkRsyncSession CRD (from crds/) and the ServiceMonitor CRD the chart may use.</summary>
public sealed class ValidationClusterFixture : LocalClusterFixture, IAsyncLifetime
{
    private readonly SemaphoreSlim _namespaces = new(1, 1);

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync().ConfigureAwait(false);
        var kubectl = Kubectl(null);
        await kubectl.RunAsync("apply", "--server-side", "-f", Repository.Crd).ConfigureAwait(false);
        await kubectl.RunAsync("apply", "--server-side", "-f", Path.Combine(AppContext.BaseDirectory, "Crds")).ConfigureAwait(false);
        await kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=60s",
            "crd/zkrsyncsessions.zksync.io", "crd/servicemonitors.monitoring.coreos.com").ConfigureAwait(false);
    }

    /// <summary>Creates the namespace unless it exists (manifests name fixed namespaces such as apps).</summary>
    public async Task EnsureNamespaceAsync(string name)
    {
        await _namespaces.WaitAsync().ConfigureAwait(false);
        try
        {
            var kubectl = Kubectl(null);
            if (!(await kubectl.TryAsync("get", "namespace", name).ConfigureAwait(false)).Succeeded)
            {
                await kubectl.RunAsync("create", "namespace", name).ConfigureAwait(false);
            }
        }
        finally
        {
            _namespaces.Release();
        }
    }

    /// <summary>kubectl apply --dry-run=server --validate=strict: the server validates and admits the objects and stores
    /// none. Returns kubectl's result (a refusal is not thrown).</summary>
    public Task<CommandResult> DryRunAsync(string? ns, string yaml) =>
        Kubectl(ns).TryWithInputAsync(yaml, "apply", "--dry-run=server", "--validate=strict", "-f", "-");
}
