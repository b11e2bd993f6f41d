using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ZkSync.LocalCluster.Auth;

/// <summary>
/// Every request the API server authorized or refused, for tests that check which permissions a client used (a chart's
/// RBAC rules, each used by the operator) and which it lacked. Identical requests are kept once with a count, so a long
/// run's log grows with the distinct requests (names included), not with their number; recording is one dictionary
/// update. Thread-safe.
/// </summary>
public sealed class AuthorizationLog
{
    private readonly ConcurrentDictionary<AuthorizedRequest, StrongBox<long>> _requests = new();

    /// <summary>Records one request and the authorizer's decision on it.</summary>
    public void Record(UserInfo user, RequestAttributes request, AuthorizationDecision decision)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(decision);
        var counter = _requests.GetOrAdd(new AuthorizedRequest(user.Name, request, decision.Allowed, decision.AllowedBy), static _ => new StrongBox<long>());
        Interlocked.Increment(ref counter.Value);
    }

    /// <summary>The distinct requests recorded so far (of <paramref name="user"/> only, when given), each with how often it was made.</summary>
    public IReadOnlyList<(AuthorizedRequest Request, long Count)> Snapshot(string? user = null) =>
        [.. _requests.Where(r => user is null || r.Key.User == user).Select(r => (r.Key, Interlocked.Read(ref r.Value.Value)))];
}
