using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>A request on its way: its encoded frame (the xid written in when it is sent) and how to finish it.</summary>
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

    public abstract bool IsCompleted { get; }

    /// <summary>Runs on the reader loop: decode, register the watch the request armed, complete. Never throws.</summary>
    public abstract void OnReply(ZooKeeperErrorCode error, ref JuteReader body, WatchRegistry watches);

    public abstract void Fail(Exception exception);
}
