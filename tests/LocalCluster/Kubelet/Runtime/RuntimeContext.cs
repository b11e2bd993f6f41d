using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Kubelet.Runtime.Probes;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>What every pod sandbox of a runtime shares.</summary>
internal sealed record RuntimeContext(
    ProcessRuntimeOptions Options,
    RuntimeTools Tools,
    string HelperPath,
    Prober Prober,
    TimeProvider Time,
    ILogger Logger)
{
    public string PodsDirectory => Path.Combine(Options.RootDirectory, "pods");
}
