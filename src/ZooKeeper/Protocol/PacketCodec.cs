using System.Buffers.Binary;
using ZkSync.ZooKeeper.Connection;

namespace ZkSync.ZooKeeper.Protocol;

/// <summary>
/// Every packet this client sends or reads, in one place: each request encoded with its reply's
/// decoder, paths translated between the client's chroot and the server's tree (both ways), the
/// handshake (ConnectRequest and ConnectResponse), notifications, SetWatches, auth, ping and close.
/// What to send when, over which connection, is <see cref="Session"/>'s business.
/// </summary>
internal sealed class PacketCodec(string? chroot)
{
    /// <summary>The largest frame accepted from a server (a getChildren of a huge node stays well below).</summary>
    public const int MaxFrameLength = 256 * 1024 * 1024;

    /// <summary>Every reply starts with xid, zxid and error code (16 bytes).</summary>
    public const int ReplyHeaderLength = 16;

    private const int ProtocolVersion = 0;
    private const int XidOffset = 4;
    private const int SetWatchesChunkBytes = 128 * 1024;

    /// <summary>The chroot (<c>/a/b</c>), or null when the client sees the whole tree.</summary>
    public string? Chroot { get; } = chroot;

    public string ToServerPath(string clientPath) =>
        Chroot is null ? clientPath : clientPath == "/" ? Chroot : Chroot + clientPath;

    public string ToClientPath(string serverPath)
    {
        if (Chroot is null)
        {
            return serverPath;
        }

        if (serverPath == Chroot)
        {
            return "/";
        }

        return serverPath.StartsWith(Chroot + "/", StringComparison.Ordinal) ? serverPath[Chroot.Length..] : serverPath;
    }

    // ---- Requests and their replies ----

    public PendingRequest<CreateResult> Create(string path, ReadOnlyMemory<byte> data, IReadOnlyList<Acl> acl, CreateMode mode, TimeSpan? ttl)
    {
        var opCode = mode switch
        {
            CreateMode.Container => OpCode.CreateContainer,
            CreateMode.PersistentWithTtl or CreateMode.PersistentSequentialWithTtl => OpCode.CreateTtl,
            _ => OpCode.Create2,
        };
        var writer = StartRequest(opCode, data.Length);
        writer.WriteString(ToServerPath(path));
        writer.WriteBuffer(data.Span);
        writer.WriteAclVector(acl);
        writer.WriteInt((int)mode);
        if (ttl is { } ttlValue)
        {
            writer.WriteLong((long)ttlValue.TotalMilliseconds);
        }

        return Request(opCode, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var created = body.ReadString();
            return new CreateResult(created is null ? path : ToClientPath(created), body.ReadStat());
        });
    }

    public PendingRequest<bool> Delete(string path, int version)
    {
        var writer = StartRequest(OpCode.Delete);
        writer.WriteString(ToServerPath(path));
        writer.WriteInt(version);
        return Request(OpCode.Delete, writer, path, (ZooKeeperErrorCode error, ref JuteReader _) =>
        {
            ThrowIfError(error, path);
            return true;
        });
    }

    /// <summary>The node's stat, or null when it does not exist (the watch then waits for its creation).</summary>
    public PendingRequest<Stat?> Exists(string path, Action<WatchedEvent>? watcher)
    {
        var serverPath = ToServerPath(path);
        var writer = StartRequest(OpCode.Exists);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Request(OpCode.Exists, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            if (error == ZooKeeperErrorCode.NoNode)
            {
                return null;
            }

            ThrowIfError(error, path);
            return (Stat?)body.ReadStat();
        }, Watch(WatchKind.Exists, serverPath, watcher));
    }

    public PendingRequest<DataResult> GetData(string path, Action<WatchedEvent>? watcher)
    {
        var serverPath = ToServerPath(path);
        var writer = StartRequest(OpCode.GetData);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Request(OpCode.GetData, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var data = body.ReadBuffer() ?? [];
            return new DataResult(data, body.ReadStat());
        }, Watch(WatchKind.Data, serverPath, watcher));
    }

    public PendingRequest<Stat> SetData(string path, ReadOnlyMemory<byte> data, int version)
    {
        var writer = StartRequest(OpCode.SetData, data.Length);
        writer.WriteString(ToServerPath(path));
        writer.WriteBuffer(data.Span);
        writer.WriteInt(version);
        return Request(OpCode.SetData, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            return body.ReadStat();
        });
    }

    public PendingRequest<ChildrenResult> GetChildren(string path, Action<WatchedEvent>? watcher)
    {
        var serverPath = ToServerPath(path);
        var writer = StartRequest(OpCode.GetChildren2);
        writer.WriteString(serverPath);
        writer.WriteBool(watcher is not null);
        return Request(OpCode.GetChildren2, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var children = body.ReadStringVector();
            return new ChildrenResult(children, body.ReadStat());
        }, Watch(WatchKind.Child, serverPath, watcher));
    }

    public PendingRequest<AclResult> GetAcl(string path)
    {
        var writer = StartRequest(OpCode.GetAcl);
        writer.WriteString(ToServerPath(path));
        return Request(OpCode.GetAcl, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            var acl = body.ReadAclVector();
            return new AclResult(acl, body.ReadStat());
        });
    }

    public PendingRequest<Stat> SetAcl(string path, IReadOnlyList<Acl> acl, int version)
    {
        var writer = StartRequest(OpCode.SetAcl);
        writer.WriteString(ToServerPath(path));
        writer.WriteAclVector(acl);
        writer.WriteInt(version);
        return Request(OpCode.SetAcl, writer, path, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, path);
            return body.ReadStat();
        });
    }

    public PendingRequest<bool> Sync(string path)
    {
        var writer = StartRequest(OpCode.Sync);
        writer.WriteString(ToServerPath(path));
        return Request(OpCode.Sync, writer, path, (ZooKeeperErrorCode error, ref JuteReader _) =>
        {
            ThrowIfError(error, path);
            return true;
        });
    }

    /// <summary>A transaction of already validated operations (TTL creates excluded).</summary>
    public PendingRequest<IReadOnlyList<OpResult>> Multi(IReadOnlyList<Op> operations)
    {
        var writer = StartRequest(OpCode.Multi);
        foreach (var operation in operations)
        {
            WriteMultiOperation(writer, operation);
        }

        WriteMultiHeader(writer, OpCode.Error, done: true);
        return Request(OpCode.Multi, writer, null, (ZooKeeperErrorCode error, ref JuteReader body) => ReadMultiResults(operations, error, ref body));
    }

    /// <summary>
    /// Reads many nodes' data in one request (ZooKeeper 3.6+ multiRead): not a transaction, each read answers on its
    /// own; a node that does not exist answers null.
    /// </summary>
    public PendingRequest<IReadOnlyList<DataResult?>> MultiRead(IReadOnlyList<string> paths)
    {
        var writer = StartRequest(OpCode.MultiRead);
        foreach (var path in paths)
        {
            WriteMultiHeader(writer, OpCode.GetData);
            writer.WriteString(ToServerPath(path));
            writer.WriteBool(false);
        }

        WriteMultiHeader(writer, OpCode.Error, done: true);
        return Request<IReadOnlyList<DataResult?>>(OpCode.MultiRead, writer, null, (ZooKeeperErrorCode error, ref JuteReader body) =>
        {
            ThrowIfError(error, null);
            var results = new List<DataResult?>(paths.Count);
            while (true)
            {
                var type = (OpCode)body.ReadInt();
                var done = body.ReadBool();
                _ = body.ReadInt();
                if (done)
                {
                    break;
                }

                switch (type)
                {
                    case OpCode.GetData:
                        var data = body.ReadBuffer() ?? [];
                        results.Add(new DataResult(data, body.ReadStat()));
                        break;
                    case OpCode.Error:
                        var code = (ZooKeeperErrorCode)body.ReadInt();
                        if (code != ZooKeeperErrorCode.NoNode)
                        {
                            throw ZooKeeperException.Create(code, results.Count < paths.Count ? paths[results.Count] : null);
                        }

                        results.Add(null);
                        break;
                    default:
                        throw new ProtocolViolationException($"unexpected multiRead result type {type}");
                }
            }

            return results.Count == paths.Count
                ? results
                : throw new ProtocolViolationException($"multiRead answered {results.Count} of {paths.Count} reads");
        });
    }

    /// <summary>Auth for <c>AddAuthAsync</c>: the server answers with the reserved auth xid, in order.</summary>
    public static PendingRequest<bool> Auth(string scheme, byte[] auth) => new(
        OpCode.Auth,
        AuthFrame(scheme, auth),
        null,
        static (error, ref _) =>
        {
            ThrowIfError(error, null);
            return true;
        },
        watch: null,
        Xids.Auth);

    /// <summary>Ends the session; the server answers, then closes the connection.</summary>
    public static PendingRequest<bool> CloseSession() =>
        Request(OpCode.CloseSession, StartRequest(OpCode.CloseSession), null, static (error, ref _) =>
        {
            ThrowIfError(error, null);
            return true;
        });

    // ---- Session-level packets ----

    /// <summary>The ping frame: reserved xid, no body; the server answers with the same xid.</summary>
    public static byte[] PingFrame()
    {
        var writer = new JuteWriter(12);
        writer.WriteInt(0);
        writer.WriteInt(Xids.Ping);
        writer.WriteInt((int)OpCode.Ping);
        return Frame(writer);
    }

    /// <summary>The auth frame, also re-sent on every new connection of the session.</summary>
    public static byte[] AuthFrame(string scheme, byte[] auth)
    {
        var writer = new JuteWriter(32 + auth.Length);
        writer.WriteInt(0);
        writer.WriteInt(Xids.Auth);
        writer.WriteInt((int)OpCode.Auth);
        writer.WriteInt(0);
        writer.WriteString(scheme);
        writer.WriteBuffer(auth);
        return Frame(writer);
    }

    /// <summary>SetWatches frames re-arming every watch (server paths), split so no frame nears the server's size limit.</summary>
    public static List<byte[]> SetWatches(long lastZxid, (List<string> Data, List<string> Exist, List<string> Child) watches)
    {
        var (data, exist, child) = watches;
        var frames = new List<byte[]>();
        var (di, ei, ci) = (0, 0, 0);
        while (di < data.Count || ei < exist.Count || ci < child.Count)
        {
            var budget = SetWatchesChunkBytes;
            var dataChunk = TakeChunk(data, ref di, ref budget);
            var existChunk = TakeChunk(exist, ref ei, ref budget);
            var childChunk = TakeChunk(child, ref ci, ref budget);
            var writer = new JuteWriter(SetWatchesChunkBytes / 4);
            writer.WriteInt(0);
            writer.WriteInt(Xids.SetWatches);
            writer.WriteInt((int)OpCode.SetWatches);
            writer.WriteLong(lastZxid);
            writer.WriteStringVector(dataChunk);
            writer.WriteStringVector(existChunk);
            writer.WriteStringVector(childChunk);
            frames.Add(Frame(writer));
        }

        return frames;
    }

    /// <summary>The handshake's first frame: resume <paramref name="sessionId"/> (0: a new session) having seen <paramref name="lastZxid"/>.</summary>
    public static byte[] ConnectRequest(long lastZxid, TimeSpan sessionTimeout, long sessionId, byte[] password)
    {
        var writer = new JuteWriter(64);
        writer.WriteInt(0);
        writer.WriteInt(ProtocolVersion);
        writer.WriteLong(lastZxid);
        writer.WriteInt((int)sessionTimeout.TotalMilliseconds);
        writer.WriteLong(sessionId);
        writer.WriteBuffer(password);
        writer.WriteBool(false);
        return Frame(writer);
    }

    /// <summary>The handshake's answer (the frame without its length prefix).</summary>
    public static ConnectResponse ReadConnectResponse(ReadOnlySpan<byte> frame)
    {
        var reader = new JuteReader(frame);
        _ = reader.ReadInt();
        var timeoutMs = reader.ReadInt();
        var sessionId = reader.ReadLong();
        var password = reader.ReadBuffer() ?? [];
        return new ConnectResponse(timeoutMs, sessionId, password);
    }

    /// <summary>The length a frame's 4-byte prefix announces; throws when no server would send it.</summary>
    public static int FrameLength(ReadOnlySpan<byte> prefix, int minimum = ReplyHeaderLength)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (length < minimum || length > MaxFrameLength)
        {
            throw new ProtocolViolationException($"bad frame length {length}");
        }

        return length;
    }

    public static ReplyHeader ReadReplyHeader(ref JuteReader reader) =>
        new(reader.ReadInt(), reader.ReadLong(), (ZooKeeperErrorCode)reader.ReadInt());

    /// <summary>A watch notification's body: what happened, and where on the server.</summary>
    public static (WatchEventType Type, string ServerPath) ReadNotification(ref JuteReader reader)
    {
        var type = (WatchEventType)reader.ReadInt();
        _ = reader.ReadInt();
        return (type, reader.ReadString() ?? "/");
    }

    /// <summary>Writes the xid a request is sent with into its frame.</summary>
    public static void WriteXid(Span<byte> frame, int xid) => BinaryPrimitives.WriteInt32BigEndian(frame[XidOffset..], xid);

    // ---- Helpers ----

    private static JuteWriter StartRequest(OpCode opCode, int dataLength = 0)
    {
        var writer = new JuteWriter(64 + dataLength);
        writer.WriteInt(0); // frame length, patched in Frame
        writer.WriteInt(0); // xid, written when sent
        writer.WriteInt((int)opCode);
        return writer;
    }

    private static byte[] Frame(JuteWriter writer)
    {
        writer.PatchInt(0, writer.Length - 4);
        return writer.ToArray();
    }

    private static PendingRequest<T> Request<T>(OpCode opCode, JuteWriter writer, string? path, ReplyDecoder<T> decoder, WatchRegistration? watch = null)
    {
        var bodyLength = writer.Length - 4;
        if (bodyLength > PathValidation.MaxPacketLength)
        {
            throw new ArgumentException(
                $"The request is {bodyLength} bytes, over the server's {PathValidation.MaxPacketLength}-byte limit (jute.maxbuffer).");
        }

        return new PendingRequest<T>(opCode, Frame(writer), path, decoder, watch);
    }

    private static WatchRegistration? Watch(WatchKind kind, string serverPath, Action<WatchedEvent>? watcher) =>
        watcher is null ? null : new WatchRegistration(kind, serverPath, watcher);

    private void WriteMultiOperation(JuteWriter writer, Op operation)
    {
        switch (operation)
        {
            case CreateOp create:
                WriteMultiHeader(writer, create.Mode == CreateMode.Container ? OpCode.CreateContainer : OpCode.Create);
                writer.WriteString(ToServerPath(create.Path));
                writer.WriteBuffer(create.Data.Span);
                writer.WriteAclVector(create.Acl);
                writer.WriteInt((int)create.Mode);
                break;
            case DeleteOp delete:
                WriteMultiHeader(writer, OpCode.Delete);
                writer.WriteString(ToServerPath(delete.Path));
                writer.WriteInt(delete.Version);
                break;
            case SetDataOp setData:
                WriteMultiHeader(writer, OpCode.SetData);
                writer.WriteString(ToServerPath(setData.Path));
                writer.WriteBuffer(setData.Data.Span);
                writer.WriteInt(setData.Version);
                break;
            case CheckOp check:
                WriteMultiHeader(writer, OpCode.Check);
                writer.WriteString(ToServerPath(check.Path));
                writer.WriteInt(check.Version);
                break;
            default:
                throw new ArgumentException($"Unsupported multi operation {operation.GetType().Name}.", nameof(operation));
        }
    }

    private static void WriteMultiHeader(JuteWriter writer, OpCode type, bool done = false)
    {
        writer.WriteInt((int)type);
        writer.WriteBool(done);
        writer.WriteInt(-1);
    }

    private IReadOnlyList<OpResult> ReadMultiResults(IReadOnlyList<Op> operations, ZooKeeperErrorCode error, ref JuteReader body)
    {
        if (error != ZooKeeperErrorCode.Ok && body.Remaining == 0)
        {
            throw ZooKeeperException.Create(error);
        }

        var results = new List<OpResult>(operations.Count);
        var failedIndex = -1;
        var failedCode = ZooKeeperErrorCode.Ok;
        while (true)
        {
            var type = (OpCode)body.ReadInt();
            var done = body.ReadBool();
            _ = body.ReadInt();
            if (done)
            {
                break;
            }

            OpResult result = type switch
            {
                OpCode.Create or OpCode.CreateContainer => new CreateOpResult(ToClientPath(body.ReadString() ?? string.Empty)),
                OpCode.Create2 or OpCode.CreateTtl => ReadCreate2(ref body),
                OpCode.Delete => new DeleteOpResult(),
                OpCode.SetData => new SetDataOpResult(body.ReadStat()),
                OpCode.Check => new CheckOpResult(),
                OpCode.Error => new ErrorOpResult((ZooKeeperErrorCode)body.ReadInt()),
                _ => throw new ProtocolViolationException($"unexpected multi result type {type}"),
            };
            if (result is ErrorOpResult { Code: not ZooKeeperErrorCode.Ok } failure && failedIndex < 0)
            {
                failedIndex = results.Count;
                failedCode = failure.Code;
            }

            results.Add(result);
        }

        if (failedIndex >= 0)
        {
            var failedPath = failedIndex < operations.Count ? operations[failedIndex].Path : null;
            throw ZooKeeperException.CreateForMulti(failedCode, failedIndex, results, failedPath);
        }

        return results;
    }

    private CreateOpResult ReadCreate2(ref JuteReader body)
    {
        var path = ToClientPath(body.ReadString() ?? string.Empty);
        _ = body.ReadStat();
        return new CreateOpResult(path);
    }

    private static List<string> TakeChunk(List<string> paths, ref int index, ref int budget)
    {
        var chunk = new List<string>();
        while (index < paths.Count && budget > 0)
        {
            budget -= paths[index].Length + 4;
            chunk.Add(paths[index++]);
        }

        return chunk;
    }

    private static void ThrowIfError(ZooKeeperErrorCode error, string? path)
    {
        if (error != ZooKeeperErrorCode.Ok)
        {
            throw ZooKeeperException.Create(error, path);
        }
    }
}
