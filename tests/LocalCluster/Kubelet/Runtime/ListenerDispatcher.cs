using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Calls a pod's listener in order on one loop, so containers never wait for it and a listener that
/// throws is logged, not fatal.</summary>
internal sealed class ListenerDispatcher
{
    private readonly Channel<Action<IPodSandboxListener>> _calls = Channel.CreateUnbounded<Action<IPodSandboxListener>>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly Task _loop;

    public ListenerDispatcher(IPodSandboxListener? listener, ILogger logger)
    {
        _loop = listener is null ? Task.CompletedTask : RunAsync(listener, logger);
    }

    public void Post(Action<IPodSandboxListener> call) => _calls.Writer.TryWrite(call);

    /// <summary>Delivers what was posted, then ends.</summary>
    public Task CompleteAsync()
    {
        _calls.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync(IPodSandboxListener listener, ILogger logger)
    {
        await foreach (var call in _calls.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                call(listener);
            }
#pragma warning disable CA1031 // a listener's failure must not stop the reports that follow
            catch (Exception e)
#pragma warning restore CA1031
            {
                RuntimeLog.ListenerFailed(logger, e);
            }
        }
    }
}
