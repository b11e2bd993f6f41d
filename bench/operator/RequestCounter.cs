using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ZkSync.Benchmarks.Operator;

/// <summary>
/// Counts the API server's requests while on, by verb and resource (<c>PATCH zkrsyncsessions/status</c>, <c>WATCH
/// jobs</c>), in front of the local API server's handler. The bench's own creates of sessions are not counted: what is
/// left is the operator's.
/// </summary>
internal sealed class RequestCounter : IStartupFilter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private volatile bool _counting;

    public void Start()
    {
        _counts.Clear();
        _counting = true;
    }

    public IReadOnlyDictionary<string, long> Stop()
    {
        _counting = false;
        return new Dictionary<string, long>(_counts, StringComparer.Ordinal);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (_counting && Describe(context.Request) is { } what && what != "POST zkrsyncsessions")
            {
                _counts.AddOrUpdate(what, 1, (_, n) => n + 1);
            }

            await nextMiddleware(context);
        });
        next(app);
    };

    /// <summary>"VERB resource[/subresource]" of a namespaced or cluster-wide resource request, else null.</summary>
    private static string? Describe(HttpRequest request)
    {
        var segments = (request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var start = Array.IndexOf(segments, "namespaces") is var ns and >= 0 && ns + 2 < segments.Length ? ns + 2
            : segments.Length > 0 && segments[0] == "api" ? 2 : 3;
        if (start >= segments.Length)
        {
            return null;
        }

        var resource = segments[start] + (start + 2 < segments.Length ? "/" + segments[start + 2] : string.Empty);
        var verb = request.Query["watch"] is ["true" or "1"] ? "WATCH" : request.Method;
        if (verb == "GET" && start + 1 >= segments.Length)
        {
            verb = "LIST";
        }

        return $"{verb} {resource}";
    }
}
