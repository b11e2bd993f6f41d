using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// Streams a watch as the real server does: headers at once, then one JSON event per line, each
/// flushed as it happens; ends cleanly at <c>timeoutSeconds</c> (or a randomised 30-60 minutes);
/// a resourceVersion older than the retained window is an ERROR event carrying a 410 Expired
/// Status. As Tables when kubectl asks (<c>get -w</c>).
/// </summary>
public sealed partial class WatchStreamer
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly ResourceService _resources;
    private readonly TableConverter _tables;
    private readonly TimeProvider _time;
    private readonly ILogger<WatchStreamer> _logger;

    public WatchStreamer(ResourceService resources, TableConverter tables, TimeProvider time, ILogger<WatchStreamer> logger)
    {
        _resources = resources;
        _tables = tables;
        _time = time;
        _logger = logger;
    }

    public async Task StreamAsync(HttpContext context, ResourceType type, string? ns, ListOptions options, string name, string? tableIncludeObject)
    {
        if (name.Length > 0)
        {
            options = options with { FieldSelector = string.IsNullOrEmpty(options.FieldSelector) ? $"metadata.name={name}" : $"{options.FieldSelector},metadata.name={name}" };
        }

        var response = context.Response;
        ResourceWatch? watch = null;
        ApiException? expired = null;
        try
        {
            watch = _resources.Watch(type, ns, options);
        }
        catch (ApiException e) when (e.Code == 410)
        {
            expired = e;
        }

        response.StatusCode = 200;
        response.ContentType = ApiResponses.JsonContentType;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (expired is not null)
        {
            await WriteLineAsync(response, new JsonObject { ["type"] = "ERROR", ["object"] = expired.ToStatus() }, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var timeout = options.Timeout ?? TimeSpan.FromMinutes(30 + Random.Shared.Next(30));
        using var timer = new CancellationTokenSource(timeout, _time);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, context.RequestAborted);
        var first = true;
        try
        {
            while (true)
            {
                var item = await watch!.ReadAsync(ending.Token).ConfigureAwait(false);
                if (item is null)
                {
                    break;
                }

                var obj = item.Object;
                if (tableIncludeObject is not null && item.Type != WatchEventType.Bookmark)
                {
                    obj = _tables.Convert(type, [obj], new JsonObject { ["resourceVersion"] = Metadata.ResourceVersion(obj) }, tableIncludeObject, withColumnDefinitions: first);
                    first = false;
                }

                await WriteLineAsync(response, new JsonObject { ["type"] = item.TypeName, ["object"] = obj }, ending.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested || context.RequestAborted.IsCancellationRequested)
        {
            // Timed out or the client went away: the response ends cleanly.
        }
        catch (WatchDroppedException)
        {
            LogDropped(type.GroupResource);
            context.Abort();
        }
        finally
        {
            watch?.Dispose();
        }
    }

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString(ApiResponses.Json));
        await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch on {Resource} reset by a test hook")]
    private partial void LogDropped(string resource);
}
