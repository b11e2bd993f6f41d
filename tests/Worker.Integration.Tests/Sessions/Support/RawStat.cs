namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>What <c>lstat</c> says about one entry (the parts the verifier compares or groups by).</summary>
public readonly record struct RawStat(uint Mode, uint Uid, uint Gid, long Size, long MtimeSeconds, ulong Inode, ulong Device, uint Links)
{
    public const uint TypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint Regular = 0x8000;
    public const uint SymbolicLink = 0xA000;
    public const uint Fifo = 0x1000;

    public uint Type => Mode & TypeMask;

    public bool IsDirectory => Type == Directory;

    public bool IsRegular => Type == Regular;

    public bool IsSymbolicLink => Type == SymbolicLink;

    /// <summary>Permission bits including setuid, setgid and sticky.</summary>
    public uint Permissions => Mode & 0xFFF;
}
