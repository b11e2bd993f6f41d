namespace ZkSync.ZooKeeper;

/// <summary>
/// A ZooKeeper operation failed with a server (or connection) error code. Each code has its own
/// sealed subclass (<see cref="NoNodeException"/>, <see cref="BadVersionException"/>, ...), made by
/// <see cref="Create"/>, so callers catch exactly what they handle.
/// </summary>
public abstract class ZooKeeperException : Exception
{
    protected ZooKeeperException(ZooKeeperErrorCode code, string? path, string? message)
        : base(FormatMessage(code, path, message))
    {
        Code = code;
        Path = path;
    }

    public ZooKeeperErrorCode Code { get; }

    /// <summary>The node the failed request named, relative to the chroot, when there is one.</summary>
    public string? Path { get; }

    /// <summary>For a failed multi: every operation's result, with <see cref="ErrorOpResult"/> entries for the failure and the rolled-back rest.</summary>
    public IReadOnlyList<OpResult>? MultiResults { get; private set; }

    /// <summary>For a failed multi: the index of the operation that failed.</summary>
    public int? FailedOperationIndex { get; private set; }

    /// <summary>The one factory from error code to exception type.</summary>
    public static ZooKeeperException Create(ZooKeeperErrorCode code, string? path = null, string? message = null) =>
        code switch
        {
            ZooKeeperErrorCode.SystemError => new SystemErrorException(path, message),
            ZooKeeperErrorCode.RuntimeInconsistency => new RuntimeInconsistencyException(path, message),
            ZooKeeperErrorCode.DataInconsistency => new DataInconsistencyException(path, message),
            ZooKeeperErrorCode.ConnectionLoss => new ConnectionLossException(path, message),
            ZooKeeperErrorCode.MarshallingError => new MarshallingErrorException(path, message),
            ZooKeeperErrorCode.Unimplemented => new UnimplementedException(path, message),
            ZooKeeperErrorCode.OperationTimeout => new OperationTimeoutException(path, message),
            ZooKeeperErrorCode.BadArguments => new BadArgumentsException(path, message),
            ZooKeeperErrorCode.UnknownSession => new UnknownSessionException(path, message),
            ZooKeeperErrorCode.NewConfigNoQuorum => new NewConfigNoQuorumException(path, message),
            ZooKeeperErrorCode.ReconfigInProgress => new ReconfigInProgressException(path, message),
            ZooKeeperErrorCode.ApiError => new ApiErrorException(path, message),
            ZooKeeperErrorCode.NoNode => new NoNodeException(path, message),
            ZooKeeperErrorCode.NoAuth => new NoAuthException(path, message),
            ZooKeeperErrorCode.BadVersion => new BadVersionException(path, message),
            ZooKeeperErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path, message),
            ZooKeeperErrorCode.NodeExists => new NodeExistsException(path, message),
            ZooKeeperErrorCode.NotEmpty => new NotEmptyException(path, message),
            ZooKeeperErrorCode.SessionExpired => new SessionExpiredException(path, message),
            ZooKeeperErrorCode.InvalidCallback => new InvalidCallbackException(path, message),
            ZooKeeperErrorCode.InvalidAcl => new InvalidAclException(path, message),
            ZooKeeperErrorCode.AuthFailed => new AuthFailedException(path, message),
            ZooKeeperErrorCode.SessionMoved => new SessionMovedException(path, message),
            ZooKeeperErrorCode.NotReadOnly => new NotReadOnlyException(path, message),
            ZooKeeperErrorCode.EphemeralOnLocalSession => new EphemeralOnLocalSessionException(path, message),
            ZooKeeperErrorCode.NoWatcher => new NoWatcherException(path, message),
            ZooKeeperErrorCode.RequestTimeout => new RequestTimeoutException(path, message),
            ZooKeeperErrorCode.ReconfigDisabled => new ReconfigDisabledException(path, message),
            ZooKeeperErrorCode.SessionClosedRequireSasl => new SessionClosedRequireSaslException(path, message),
            ZooKeeperErrorCode.QuotaExceeded => new QuotaExceededException(path, message),
            ZooKeeperErrorCode.Throttled => new ThrottledException(path, message),
            _ => new UnknownErrorException(code, path, message),
        };

    internal static ZooKeeperException CreateForMulti(ZooKeeperErrorCode code, int failedIndex, IReadOnlyList<OpResult> results, string? path)
    {
        var exception = Create(code, path, $"multi operation {failedIndex} failed");
        exception.MultiResults = results;
        exception.FailedOperationIndex = failedIndex;
        return exception;
    }

    private static string FormatMessage(ZooKeeperErrorCode code, string? path, string? message)
    {
        var text = $"ZooKeeper error {code} ({(int)code})";
        if (path is not null)
        {
            text += $" for {path}";
        }

        return message is null ? text : $"{text}: {message}";
    }
}
