using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

internal sealed class PendingRequest<T> : PendingRequest
{
    // Continuations never run on the reader loop.
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReplyDecoder<T> _decoder;
    private readonly WatchRegistration? _watch;
    private CancellationTokenRegistration _cancellation;

    public PendingRequest(OpCode opCode, byte[] frame, string? path, ReplyDecoder<T> decoder, WatchRegistration? watch = null, int reservedXid = 0)
        : base(opCode, frame, path, reservedXid)
    {
        _decoder = decoder;
        _watch = watch;
    }

    public Task<T> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    /// <summary>Cancelling abandons the wait; a request already sent still gets its reply matched and dropped.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((TaskCompletionSource<T>)state!).TrySetCanceled(token), _completion);
        }
    }

    public override void OnReply(ZooKeeperErrorCode error, ref JuteReader body, WatchRegistry watches)
    {
        T result;
        try
        {
            result = _decoder(error, ref body);
        }
#pragma warning disable CA1031 // Decoding errors belong to the caller's task, not to the reader loop.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _completion.TrySetException(exception);
            _cancellation.Dispose();
            return;
        }

        if (_watch is not null)
        {
            watches.Add(_watch, error);
        }

        _completion.TrySetResult(result);
        _cancellation.Dispose();
    }

    public override void Fail(Exception exception)
    {
        _completion.TrySetException(exception);
        _cancellation.Dispose();
    }
}
