using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

/// <summary>Follows a started container's log until some text appears (a container says it is ready by printing).</summary>
internal static class LogWaiter
{
    public static async Task WaitForTextAsync(PodSandbox pod, string container, string text, TimeSpan? timeout = null)
    {
        using var expiry = new CancellationTokenSource(timeout ?? RecordingListener.DefaultTimeout);
        var log = pod.GetLog(container) ?? throw new InvalidOperationException($"{container} has not started yet: wait for its status first");

        await using var watcher = new TextWatcher(text);
        var following = log.WriteToAsync(watcher, new ContainerLogReadOptions { Follow = true }, expiry.Token);
        var found = await Task.WhenAny(watcher.Found, following);
        if (found != watcher.Found)
        {
            await following; // throws on timeout
            throw new InvalidOperationException($"the log of {container} ended without \"{text}\": {watcher.Text}");
        }
    }

    private sealed class TextWatcher(string expected) : MemoryStream
    {
        private readonly TaskCompletionSource _found = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Found => _found.Task;

        public string Text => Encoding.UTF8.GetString(ToArray());

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await base.WriteAsync(buffer, cancellationToken);
            if (Text.Contains(expected, StringComparison.Ordinal))
            {
                _found.TrySetResult();
            }
        }
    }
}
