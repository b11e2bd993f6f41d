using ZkSync.ZooKeeper.Protocol;

namespace ZkSync.ZooKeeper.Connection;

/// <summary>A request on its way: its encoded packet (xid patched in by the writer) and how to finish it.</summary>
internal abstract class PendingRequest
{
    /// <summary>Offset of the xid in <see cref="Packet"/>, right after the frame length.</summary>
    public const int XidOffset = 4;

    protected PendingRequest(OpCode opCode, byte[] packet, string? path)
    {
        OpCode = opCode;
        Packet = packet;
        Path = path;
    }

    public OpCode OpCode { get; }

    /// <summary>The whole frame: length, request header, body.</summary>
    public byte[] Packet { get; }

    /// <summary>The node named, relative to the chroot, for error messages.</summary>
    public string? Path { get; }

    /// <summary>A reserved xid this request always carries (ping, auth, set-watches), or 0 to take the next one.</summary>
    public virtual int ReservedXid => 0;

    public int Xid { get; set; }

    public abstract bool IsCompleted { get; }

    /// <summary>Runs on the reader loop: decode, register watches, complete. Never throws.</summary>
    public abstract void OnReply(ZooKeeperErrorCode error, ref JuteReader body);

    public abstract void Fail(Exception exception);
}
