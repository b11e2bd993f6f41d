using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>
/// A request on its way: its encoded frame (the xid written in when it is sent) and how to finish it.
/// It is finished exactly once, by whichever comes first: its reply (<see cref="TryAcceptReply"/>),
/// a failure (<see cref="Fail"/>) or its caller's cancellation.
/// </summary>
internal abstract class PendingRequest
{
    protected PendingRequest(OpCode opCode, byte[] frame, string? path, int reservedXid)
    {
        OpCode = opCode;
        Frame = frame;
        Path = path;
        ReservedXid = reservedXid;
    }

    public OpCode OpCode { get; }

    /// <summary>The whole frame: length, request header, body.</summary>
    public byte[] Frame { get; }

    /// <summary>The node named, relative to the chroot, for error messages.</summary>
    public string? Path { get; }

    /// <summary>A reserved xid this request always carries, already in its frame (ping, auth), or 0 to take the next one.</summary>
    public int ReservedXid { get; }

    public int Xid { get; set; }

    /// <summary>Answered, failed or cancelled: nothing more will happen to it (a cancelled one is not sent).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>
    /// On the reader, for the reply matched to this request: decodes it and registers the watch it armed,
    /// unless the request was cancelled or failed meanwhile (then the reply is dropped and no watch is
    /// registered). The caller learns the outcome from <see cref="CompleteAccepted"/>. Never throws.
    /// </summary>
    /// <returns>Whether the reply was taken; only then must <see cref="CompleteAccepted"/> follow.</returns>
    public abstract bool TryAcceptReply(ZooKeeperErrorCode error, ref JuteReader body, WatchRegistry watches);

    /// <summary>Hands an accepted reply to the caller; the caller's continuation runs on this thread.</summary>
    public abstract void CompleteAccepted();

    /// <summary>Fails the request unless it is finished already; the caller's continuation runs on the thread pool.</summary>
    public abstract void Fail(Exception exception);
}
