using System.Net;
using System.Web;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// Sits in an operator's KubernetesClient pipeline: records every request it makes as RBAC would name it, and
/// stands in for the network between it and the API server: <see cref="Partition"/> makes every new request fail
/// as an unreachable server does (open watches are ended by the server's drop hook), <see cref="Hold"/> keeps new
/// requests waiting until <see cref="Release"/>, so a test can change the cluster while the operator cannot see it.
/// </summary>
public sealed class ApiRequestRecorder : DelegatingHandler
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private TaskCompletionSource? _held;
    private volatile bool _partitioned;

    /// <summary>Called after each request is recorded (tests wake their waiters with it).</summary>
    public Action? Recorded { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every new request fails with a connection error while true.</summary>
    public bool Partition
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    /// <summary>New requests wait (unanswered) until <see cref="Release"/>, except the leader election's: what is held is
    /// the operator's view of the cluster, not its leadership (a renewal held past the test's 3 s lease on a loaded machine
    /// lost the lease, and the next term listed everything again instead of resuming its watches).</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
        }

        held?.TrySetResult();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Task? held;
        lock (_gate)
        {
            held = _held?.Task;
        }

        if (held is not null && Describe(request.Method, request.RequestUri!).Resource == "leases")
        {
            held = null;
        }

        if (held is not null)
        {
            await held.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_partitioned)
        {
            Record(request, null);
            throw new HttpRequestException("test partition: the API server is unreachable", new IOException("connection refused"));
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        Record(request, response.StatusCode);
        return response;
    }

    private void Record(HttpRequestMessage request, HttpStatusCode? status)
    {
        var uri = request.RequestUri!;
        var (verb, group, resource, ns) = Describe(request.Method, uri);
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method.Method, uri.PathAndQuery, verb, group, resource, ns, status));
        }

        Recorded?.Invoke();
    }

    /// <summary>The RBAC verb, group, resource (with subresource) and namespace of a request, as the API server
    /// derives them: <c>/api/v1/...</c> is the core group, <c>/apis/{group}/{version}/...</c> the others.</summary>
    public static (string Verb, string Group, string Resource, string? Namespace) Describe(HttpMethod method, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        var parts = uri.AbsolutePath.Trim('/').Split('/');
        int rest;
        string group;
        if (parts is ["api", _, ..])
        {
            (group, rest) = (string.Empty, 2);
        }
        else if (parts is ["apis", _, _, ..])
        {
            (group, rest) = (parts[1], 3);
        }
        else
        {
            return (method.Method.ToLowerInvariant(), string.Empty, string.Empty, null);
        }

        string? ns = null;
        var tail = parts[rest..];
        if (tail is ["namespaces", var n, _, ..])
        {
            ns = n;
            tail = tail[2..];
        }

        // tail: resource [name [subresource]]
        var resource = tail.Length >= 3 ? $"{tail[0]}/{tail[2]}" : tail[0];
        var named = tail.Length >= 2;
        var query = HttpUtility.ParseQueryString(uri.Query);
        var verb = method.Method switch
        {
            "GET" when query["watch"] is "true" or "1" => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => named ? "delete" : "deletecollection",
            _ => method.Method.ToLowerInvariant(),
        };
        return (verb, group, resource, ns);
    }
}
