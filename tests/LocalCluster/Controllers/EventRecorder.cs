using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>
/// Records core/v1 Events as client-go's event recorder does: named <c>OBJECT.HEX</c> in the object's namespace
/// (<c>default</c> for cluster-scoped objects), and a repeat of the same event (same object, type, reason, message,
/// source) within ten minutes counted on the first one (<c>count</c>, <c>lastTimestamp</c>) rather than stored again.
/// Events of an object whose namespace is going away are dropped, as the real recorder's writes fail.
/// </summary>
public sealed class EventRecorder
{
    private static readonly TimeSpan AggregationWindow = TimeSpan.FromMinutes(10);
    private readonly ResourceService _resources;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Namespace, string Name, DateTimeOffset Last)> _recent = new(StringComparer.Ordinal);
    private long _sequence;

    public EventRecorder(ResourceService resources, TimeProvider time)
    {
        _resources = resources;
        _time = time;
    }

    public const string Normal = "Normal";

    public const string Warning = "Warning";

    /// <summary>Records an event about <paramref name="involved"/> (a stored object: its kind, name, uid).</summary>
    public void Record(JsonObject involved, EventSource source, string type, string reason, string message, string? fieldPath = null, string? action = null)
    {
        ArgumentNullException.ThrowIfNull(involved);
        ArgumentNullException.ThrowIfNull(source);
        var now = _time.GetUtcNow();
        var ns = Metadata.Namespace(involved) ?? "default";
        var uid = Metadata.Uid(involved) ?? "";
        var key = string.Join('\u0000', uid, fieldPath, type, reason, message, source.Component, source.Host);
        var events = _resources.Registry.Find("", "v1", "events")!;
        try
        {
            if (_recent.TryGetValue(key, out var earlier) && now - earlier.Last < AggregationWindow)
            {
                var counted = _resources.Mutate(events, earlier.Namespace, earlier.Name, e =>
                {
                    e["count"] = (JsonValues.Long(e["count"]) ?? 1) + 1;
                    e["lastTimestamp"] = Metadata.Timestamp(now);
                    return true;
                });
                if (counted is not null)
                {
                    _recent[key] = earlier with { Last = now };
                    return;
                }
            }

            var name = $"{Metadata.Name(involved)}.{(now.ToUnixTimeMilliseconds() * 1_000_000) + (Interlocked.Increment(ref _sequence) % 1_000_000):x}";
            var involvedObject = new JsonObject
            {
                ["kind"] = JsonValues.String(involved["kind"]),
                ["namespace"] = Metadata.Namespace(involved),
                ["name"] = Metadata.Name(involved),
                ["uid"] = uid,
                ["apiVersion"] = JsonValues.String(involved["apiVersion"]),
                ["resourceVersion"] = Metadata.ResourceVersion(involved),
            };
            if (fieldPath is not null)
            {
                involvedObject["fieldPath"] = fieldPath;
            }

            var sourceObject = new JsonObject { ["component"] = source.Component };
            if (source.Host is not null)
            {
                sourceObject["host"] = source.Host;
            }

            var stamp = Metadata.Timestamp(now);
            var created = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["involvedObject"] = involvedObject,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = sourceObject,
                ["firstTimestamp"] = stamp,
                ["lastTimestamp"] = stamp,
                ["count"] = 1,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = source.Component,
                ["reportingInstance"] = source.Host ?? "",
            };
            if (action is not null)
            {
                created["action"] = action;
            }

            _resources.Create(events, ns, created, new WriteOptions());
            _recent[key] = (ns, name, now);
            if (_recent.Count > 4096)
            {
                foreach (var stale in _recent.Where(e => now - e.Value.Last >= AggregationWindow).Select(e => e.Key).ToList())
                {
                    _recent.TryRemove(stale, out _);
                }
            }
        }
        catch (ApiException e) when (e.Code is 403 or 404 or 409)
        {
            // The namespace is terminating or gone: the real recorder's write fails the same way.
        }
    }
}
