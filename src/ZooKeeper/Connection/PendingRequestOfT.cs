using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

internal sealed class PendingRequest<T> : PendingRequest
{
    private const int Waiting = 0;
    private const int Finished = 1;

    // Continuations run where the task completes: for a reply, on the connection's reader thread (no
    // thread-pool hop; a slow or blocking caller gets reading handed to another thread, see ActiveConnection);
    // failures and cancellations are completed on the thread pool, never on the thread that reports them.
    private readonly TaskCompletionSource<T> _completion = new();
    private readonly ReplyDecoder<T> _decoder;
    private readonly WatchRegistration? _watch;
    private CancellationTokenRegistration _cancellation;
    private int _state;
    private T? _result;
    private Exception? _error;

    public PendingRequest(OpCode opCode, byte[] frame, string? path, ReplyDecoder<T> decoder, WatchRegistration? watch = null, int reservedXid = 0)
        : base(opCode, frame, path, reservedXid)
    {
        _decoder = decoder;
        _watch = watch;
    }

    public Task<T> Task => _completion.Task;

    public override bool IsCompleted => Volatile.Read(ref _state) != Waiting;

    /// <summary>Cancelling abandons the wait; a request already sent still gets its reply matched and dropped.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest<T>)state!).Cancel(token), this);
        }
    }

    public override bool TryAcceptReply(ZooKeeperErrorCode error, ref JuteReader body, WatchRegistry watches)
    {
        if (!TryFinish())
        {
            return false;
        }

        try
        {
            _result = _decoder(error, ref body);
        }
#pragma warning disable CA1031 // Decoding errors belong to the caller's task, not to the reader.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _error = exception;
        }

        if (_watch is not null)
        {
            watches.Add(_watch, error);
        }

        return true;
    }

    public override void CompleteAccepted()
    {
        if (_error is null)
        {
            _completion.TrySetResult(_result!);
        }
        else
        {
            _completion.TrySetException(_error);
        }
    }

    public override void Fail(Exception exception)
    {
        if (TryFinish())
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Completion.TrySetException(state.Exception), (Completion: _completion, Exception: exception), preferLocal: false);
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (TryFinish())
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Completion.TrySetCanceled(state.Token), (Completion: _completion, Token: token), preferLocal: false);
        }
    }

    /// <summary>Claims the right to finish the request: true for exactly one of reply, failure and cancellation.</summary>
    private bool TryFinish()
    {
        if (Interlocked.CompareExchange(ref _state, Finished, Waiting) != Waiting)
        {
            return false;
        }

        // Unregister, not Dispose: Dispose would wait for a cancellation callback running on another thread.
        _cancellation.Unregister();
        return true;
    }
}
