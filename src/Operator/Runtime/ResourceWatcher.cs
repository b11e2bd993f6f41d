using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ZkSync.Operator.Runtime;

/// <summary>
/// Keeps a <see cref="ResourceCache{T}"/> in step with the API server, written once for every kind (the mistakes of
/// operator runtimes avoided, see K8S-NOTES): LIST, then WATCH from the list's resourceVersion; the version tracked
/// from every event and BOOKMARK; <c>timeoutSeconds</c> on every watch, so a silently dropped connection ends; an
/// ERROR event surfaces (never swallowed); 410 Gone relists; a stream that ends (also one that closes with no line)
/// is watched again from the last version; failures back off with jitter. Every change (also status-only ones, and
/// deletions found by a relist) goes to <c>onChange</c>. Objects are cached without their managedFields, and
/// without what <c>trim</c> drops (a kind's fields nothing reads).
/// </summary>
public sealed partial class ResourceWatcher<T> where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceClient<T> _client;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly ResourceCache<T> _cache;
    private readonly Action<T> _onChange;
    private readonly Action<T>? _trim;
    private readonly WatchSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResourceWatcher(
        IResourceClient<T> client,
        string? @namespace,
        string? labelSelector,
        ResourceCache<T> cache,
        Action<T> onChange,
        WatchSettings settings,
        TimeProvider time,
        ILogger logger,
        Action<T>? trim = null)
    {
        _client = client;
        _trim = trim;
        _namespace = @namespace;
        _labelSelector = labelSelector;
        _cache = cache;
        _onChange = onChange;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    /// <summary>Completes after the first LIST has filled the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>How many times the watcher listed (the first time and after each 410).</summary>
    public int Lists { get; private set; }

    public string Kind => typeof(T).Name;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                    failures = 0;
                }

                var started = _time.GetTimestamp();
                var events = 0;
                await foreach (var (type, item) in _client.WatchAsync(_namespace, _labelSelector, resourceVersion, _settings.TimeoutSeconds, cancellationToken).ConfigureAwait(false))
                {
                    events++;
                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                    Apply(type, item);
                }

                // The server ended the watch (its timeout, a restart): watch again from where we are. A stream that
                // ended at once with nothing in it counts as a failure, so a server that keeps doing that is not hammered.
                if (events == 0 && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
                {
                    failures++;
                    await DelayAsync(failures, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    failures = 0;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                LogGone(_logger, Kind, resourceVersion);
                resourceVersion = null;
            }
            catch (Exception e)
            {
                failures++;
                LogWatchFailed(_logger, Kind, failures, e.Message, e);
                try
                {
                    await DelayAsync(failures, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>True for a 410 Gone, as an ERROR event (KubernetesException) or an HTTP status.</summary>
    public static bool IsGone(Exception exception) => exception switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => exception.InnerException is not null && IsGone(exception.InnerException),
    };

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAsync(_namespace, _labelSelector, cancellationToken).ConfigureAwait(false);
        Lists++;
        foreach (var item in list.Items)
        {
            Trim(item);
        }

        var gone = _cache.Replace(list.Items, _namespace);
        foreach (var item in gone)
        {
            _onChange(item);
        }

        foreach (var item in list.Items)
        {
            _onChange(item);
        }

        _synced.TrySetResult();
        LogListed(_logger, Kind, list.Items.Count, list.ResourceVersion);
        return list.ResourceVersion;
    }

    /// <summary>Drops what nothing here reads before an object is cached: <c>metadata.managedFields</c>, the server's
    /// field-ownership bookkeeping, is often the largest part of a Job or a session (client-go's informers trim it too);
    /// then what the kind's <c>trim</c> drops.</summary>
    private void Trim(T item)
    {
        if (item.Metadata is { } meta)
        {
            meta.ManagedFields = null;
        }

        _trim?.Invoke(item);
    }

    private void Apply(WatchEventType type, T item)
    {
        Trim(item);
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                _cache.Upsert(item);
                _onChange(item);
                break;
            case WatchEventType.Deleted:
                _cache.Remove(item);
                _onChange(item);
                break;
            case WatchEventType.Bookmark:
                break; // only its resourceVersion matters
            default:
                throw new UnreachableException($"watch event {type}");
        }
    }

    private Task DelayAsync(int failures, CancellationToken cancellationToken) =>
        Task.Delay(_settings.Backoff.Delay(failures), _time, cancellationToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} {Kind} at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Kind} from resourceVersion {ResourceVersion} is gone (410): listing again")]
    private static partial void LogGone(ILogger logger, string kind, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Kind} failed ({Failures} in a row): {Error}")]
    private static partial void LogWatchFailed(ILogger logger, string kind, int failures, string error, Exception exception);
}
