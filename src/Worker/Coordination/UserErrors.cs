using ZkSync.ZooKeeper;

namespace ZkSync.Worker.Coordination;

/// <summary>The one-line texts of ZooKeeper failures a user causes and fixes: what, why, and what to do.</summary>
internal static class UserErrors
{
    /// <summary>Nothing answered at the servers within the connect timeout.</summary>
    public static string Unreachable(ConnectionLossException exception) =>
        $"{Detail(exception, "lost the connection to ZooKeeper")}: check --servers (host:port of a running ZooKeeper, reachable from here) or raise --connect-timeout";

    /// <summary>The servers rejected the credentials themselves.</summary>
    public static string AuthFailed(string user) =>
        $"ZooKeeper rejected the credentials of user {user} (AuthFailed): check --user and --passwd (or ZKRSYNC_PASSWD)";

    /// <summary>A node's ACL does not let these credentials do what the role needs.</summary>
    public static string NoAuth(NoAuthException exception, string user) =>
        $"not allowed (NoAuth) on {exception.Path ?? "a session node"}: its ACL does not admit user {user} with this password: " +
        "give every worker of the session the --user and --passwd (or ZKRSYNC_PASSWD) it was started with";

    /// <summary>The message without the "ZooKeeper error CODE (n): " prefix, or <paramref name="fallback"/> when there is none.</summary>
    private static string Detail(ZooKeeperException exception, string fallback)
    {
        var message = exception.Message;
        var colon = message.IndexOf("): ", StringComparison.Ordinal);
        return colon >= 0 ? message[(colon + 3)..] : fallback;
    }
}
