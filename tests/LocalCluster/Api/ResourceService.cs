using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Semantics;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// The API server's semantics over the store, shared by the HTTP endpoints and in-process callers
/// (controllers, the kubelet, tests): uid, resourceVersion, generation, optimistic concurrency,
/// generateName, defaults, admission, validation, the status subresource, finalizers and deletion,
/// dry-run, selectors, paging and watches. Callers here are trusted: authorisation is the HTTP
/// layer's. Every method throws <see cref="ApiException"/> with the Status a real server answers.
/// </summary>
public sealed class ResourceService
{
    private const int ConflictRetries = 16;

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly BuiltInAdmission _admission;
    private readonly ILogger<ResourceService> _logger;

    public ResourceService(ObjectStore store, ResourceRegistry registry, BuiltInAdmission admission, TimeProvider time, ILogger<ResourceService> logger)
    {
        _store = store;
        _registry = registry;
        _admission = admission;
        _time = time;
        _logger = logger;
    }

    public ObjectStore Store => _store;

    public ResourceRegistry Registry => _registry;

    /// <summary>
    /// Raised after every stored write, before the write returns, for what the real server does at
    /// once on its own (a namespace's default ServiceAccount, a CRD's resource served): so a client
    /// that created a namespace or a CRD can use it with its next request.
    /// </summary>
    public event Action<StoredChange>? Written;

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        CheckScope(type, ns);
        var found = _store.Get(type.StorageKey, ScopeOf(type, ns), name) ?? throw ApiErrors.NotFound(type, name);
        return AsServed(type, found, inList: false);
    }

    /// <summary>Gets an object or null when it does not exist.</summary>
    public JsonObject? Find(ResourceType type, string? ns, string name)
    {
        var found = _store.Get(type.StorageKey, ScopeOf(type, ns), name);
        return found is null ? null : AsServed(type, found, inList: false);
    }

    public JsonObject List(ResourceType type, string? ns, ListOptions options)
    {
        var labels = LabelSelector.Parse(options.LabelSelector);
        var fields = FieldSelector.Parse(options.FieldSelector, type);
        string? startAfter = null;
        long? continueVersion = null;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            (continueVersion, startAfter) = DecodeContinue(options.Continue);
            if (continueVersion < _store.CompactedThrough)
            {
                throw ApiErrors.Expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }
        }

        var page = _store.List(type.StorageKey, ns, o => labels.Matches(Metadata.Labels(o)) && fields.Matches(o), options.Limit, startAfter);
        var listVersion = continueVersion ?? page.ResourceVersion;
        var metadata = new JsonObject { ["resourceVersion"] = listVersion.ToString(CultureInfo.InvariantCulture) };
        if (page.ContinueAfterKey is not null)
        {
            metadata["continue"] = EncodeContinue(listVersion, page.ContinueAfterKey);
        }

        var items = new JsonArray();
        foreach (var item in page.Items)
        {
            items.Add(AsServed(type, item, inList: true));
        }

        return new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = items,
        };
    }

    public ResourceWatch Watch(ResourceType type, string? ns, ListOptions options)
    {
        var labels = LabelSelector.Parse(options.LabelSelector);
        var fields = FieldSelector.Parse(options.FieldSelector, type);
        long? from = null;
        if (!string.IsNullOrEmpty(options.ResourceVersion) && options.ResourceVersion != "0")
        {
            if (!long.TryParse(options.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw ApiErrors.BadRequest($"invalid resource version: {options.ResourceVersion}");
            }

            from = parsed;
        }

        try
        {
            var watch = _store.Watch(type.StorageKey, ns, from, sendInitialState: true, bookmarks: options.AllowWatchBookmarks);
            return new ResourceWatch(watch, type, labels, fields);
        }
        catch (StoreException e) when (e.Error == StoreError.Expired)
        {
            throw ApiErrors.Expired(e.Message);
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options)
    {
        CheckScope(type, ns);
        var obj = (JsonObject)body.DeepClone();
        CheckKind(type, obj);
        var metadata = Metadata.Of(obj);
        var bodyNs = JsonValues.String(metadata["namespace"]);
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = ns;
        }
        else
        {
            metadata.Remove("namespace");
        }

        if (!string.IsNullOrEmpty(Metadata.ResourceVersion(obj)))
        {
            throw ApiErrors.BadRequest("resourceVersion should not be set on objects to be created");
        }

        SchemaEnforcement.HandleUnknownFields(type, obj, options);
        var name = Metadata.Name(obj);
        if (name.Length == 0)
        {
            var generateName = JsonValues.String(metadata["generateName"]) ?? "";
            if (generateName.Length == 0)
            {
                throw ApiErrors.Invalid(type, "", "metadata.name", "FieldValueRequired", "Required value: name or generateName is required");
            }

            name = generateName + NameGenerator.RandomSuffix();
            metadata["name"] = name;
        }

        var now = Metadata.Timestamp(_time.GetUtcNow());
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = now;
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        metadata.Remove("managedFields");
        if (type.TracksGeneration)
        {
            metadata["generation"] = 1;
        }
        else
        {
            metadata.Remove("generation");
        }

        if (type.HasStatus)
        {
            InitialStatus(type, obj);
        }

        BuiltInDefaults.Apply(type, obj);
        _admission.AdmitCreate(type, obj);
        Validate(type, obj, null);

        if (options.DryRun)
        {
            return AsServed(type, obj, inList: false);
        }

        obj["apiVersion"] = _registry.StorageType(type.StorageKey)?.ApiVersion ?? type.ApiVersion;
        JsonObject stored;
        try
        {
            stored = _store.Create(type.StorageKey, ScopeOf(type, ns), name, obj);
        }
        catch (StoreException e) when (e.Error == StoreError.AlreadyExists)
        {
            throw ApiErrors.AlreadyExists(type, name);
        }

        Notify(type, WatchEventType.Added, stored);
        return AsServed(type, stored, inList: false);
    }

    /// <summary>PUT: replaces an object (or only its status through <paramref name="subresource"/> "status").</summary>
    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, WriteOptions options, string? subresource = null)
    {
        CheckScope(type, ns);
        var incoming = (JsonObject)body.DeepClone();
        CheckKind(type, incoming);
        var bodyName = Metadata.Name(incoming);
        if (bodyName.Length > 0 && bodyName != name)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var bodyNs = Metadata.Namespace(incoming);
        if (type.Namespaced && bodyNs is not null && bodyNs != ns)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var current = _store.Get(type.StorageKey, ScopeOf(type, ns), name) ?? throw ApiErrors.NotFound(type, name);
        var requested = Metadata.ResourceVersion(incoming);
        if (requested.Length == 0 && type.Custom is not null)
        {
            throw ApiErrors.Invalid(type, name, "metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update");
        }

        if (requested.Length > 0 && requested != Metadata.ResourceVersion(current))
        {
            throw ApiErrors.StaleResourceVersion(type, name);
        }

        SchemaEnforcement.HandleUnknownFields(type, incoming, options);
        return Replace(type, ns, name, current, incoming, options, subresource);
    }

    public JsonObject Patch(ResourceType type, string? ns, string name, PatchKind kind, JsonNode patch, WriteOptions options, string? subresource = null)
    {
        CheckScope(type, ns);
        if (kind == PatchKind.StrategicMerge && type.ModelType is null)
        {
            throw ApiErrors.UnsupportedMediaType(["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]);
        }

        if (kind == PatchKind.Apply && string.IsNullOrEmpty(options.FieldManager))
        {
            throw ApiErrors.BadRequest("PATCH, PUT or POST request with apply patch type must specify a fieldManager");
        }

        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, ScopeOf(type, ns), name);
            if (current is null)
            {
                if (kind == PatchKind.Apply && subresource is null && patch is JsonObject applied)
                {
                    // Server-side apply creates what does not exist.
                    var created = (JsonObject)applied.DeepClone();
                    Metadata.Of(created)["name"] = name;
                    return Create(type, ns, created, options);
                }

                throw ApiErrors.NotFound(type, name);
            }

            var served = AsServed(type, (JsonObject)current.DeepClone(), inList: false);
            JsonNode patched;
            try
            {
                patched = kind switch
                {
                    PatchKind.Merge => Patches.ApplyMergePatch(served, patch),
                    PatchKind.Json when patch is JsonArray operations => Patches.ApplyJsonPatch(served, operations),
                    PatchKind.Json => throw ApiErrors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
                    PatchKind.StrategicMerge => Patches.ApplyStrategicMergePatch(served, patch, type.ModelType!),
                    _ => ApplyConfiguration(type, served, patch),
                };
            }
            catch (PatchException e)
            {
                throw kind == PatchKind.Json
                    ? new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}")
                    : ApiErrors.BadRequest(e.Message);
            }

            if (patched is not JsonObject incoming)
            {
                throw ApiErrors.BadRequest("the patch did not produce an object");
            }

            var requested = Metadata.ResourceVersion(incoming);
            if (requested != Metadata.ResourceVersion(served))
            {
                // The patch carried a resourceVersion: a precondition, as on a PUT.
                throw ApiErrors.StaleResourceVersion(type, name);
            }

            if (Metadata.Name(incoming) != name)
            {
                throw ApiErrors.BadRequest($"the name of the object ({Metadata.Name(incoming)}) does not match the name on the URL ({name})");
            }

            SchemaEnforcement.HandleUnknownFields(type, incoming, options);
            try
            {
                return Replace(type, ns, name, current, incoming, options, subresource);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && attempt < ConflictRetries && !PatchCarriesResourceVersion(patch))
            {
                // A patch without a resourceVersion applies to whatever is current: retry on a concurrent write.
            }
        }
    }

    /// <summary>
    /// Read-modify-write for in-process callers: applies <paramref name="change"/> to the current object
    /// and writes it (through <paramref name="subresource"/> when given), retrying on a concurrent write.
    /// Returns the stored object, or null when it does not exist or <paramref name="change"/> returned false.
    /// </summary>
    public JsonObject? Mutate(ResourceType type, string? ns, string name, Func<JsonObject, bool> change, string? subresource = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = Find(type, ns, name);
            if (current is null || !change(current))
            {
                return null;
            }

            try
            {
                return Update(type, ns, name, current, new WriteOptions { FieldValidation = FieldValidation.Ignore }, subresource);
            }
            catch (ApiException e) when (e.Reason == "Conflict" && attempt < ConflictRetries)
            {
            }
            catch (ApiException e) when (e.Code == 404)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// <c>pods/binding</c>: assigns a pending pod to a node (spec.nodeName, which no update may change)
    /// and marks it PodScheduled, as the registry's binding does for the scheduler.
    /// </summary>
    public JsonObject Bind(ResourceType type, string? ns, string name, string node)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, ScopeOf(type, ns), name) ?? throw ApiErrors.NotFound(type, name);
            var next = (JsonObject)current.DeepClone();
            BuiltInDefaults.Ensure(next, "spec")["nodeName"] = node;
            var status = BuiltInDefaults.Ensure(next, "status");
            var conditions = status["conditions"] as JsonArray ?? [];
            status["conditions"] = conditions;
            foreach (var old in conditions.OfType<JsonObject>().Where(c => JsonValues.String(c["type"]) == "PodScheduled").ToList())
            {
                conditions.Remove(old);
            }

            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = Metadata.Timestamp(_time.GetUtcNow()),
            });
            try
            {
                var updated = _store.Update(type.StorageKey, ScopeOf(type, ns), name, next, Metadata.ResourceVersionNumber(current));
                Notify(type, WatchEventType.Modified, updated);
                return AsServed(type, updated, inList: false);
            }
            catch (StoreException e) when (e.Error == StoreError.Conflict && attempt < ConflictRetries)
            {
            }
        }
    }

    /// <summary>DELETE: removes an object, or marks it deleting while finalizers or a grace period hold it.</summary>
    public DeleteResult Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        CheckScope(type, ns);
        for (var attempt = 0; ; attempt++)
        {
            var current = _store.Get(type.StorageKey, ScopeOf(type, ns), name) ?? throw ApiErrors.NotFound(type, name);
            if (options.PreconditionUid is { } uid && uid != Metadata.Uid(current))
            {
                throw ApiErrors.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Metadata.Uid(current)}");
            }

            if (options.PreconditionResourceVersion is { } rv && rv != Metadata.ResourceVersion(current))
            {
                throw ApiErrors.Conflict(type, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Metadata.ResourceVersion(current)}");
            }

            try
            {
                return DeleteOnce(type, ns, name, current, options);
            }
            catch (StoreException e) when (e.Error == StoreError.Conflict && attempt < ConflictRetries)
            {
            }
        }
    }

    public JsonObject DeleteCollection(ResourceType type, string? ns, ListOptions list, DeleteOptions options)
    {
        var items = List(type, ns, list with { Limit = 0, Continue = null })["items"]!.AsArray();
        foreach (var item in items.OfType<JsonObject>())
        {
            try
            {
                Delete(type, Metadata.Namespace(item), Metadata.Name(item), options);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }

        return SuccessStatus(type, "");
    }

    /// <summary>
    /// The object as a client sees it at <paramref name="type"/>'s version (list items of built-in kinds
    /// carry no kind). Takes <paramref name="stored"/> over: its children move to the result.
    /// </summary>
    public static JsonObject AsServed(ResourceType type, JsonObject stored, bool inList)
    {
        var obj = stored;
        if (inList && type.Custom is null)
        {
            obj.Remove("kind");
            obj.Remove("apiVersion");
            return obj;
        }

        var rebuilt = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion };
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "kind" or "apiVersion")
            {
                continue;
            }

            obj.Remove(key);
            rebuilt[key] = value;
        }

        return rebuilt;
    }

    public static JsonObject SuccessStatus(ResourceType type, string name, string? uid = null)
    {
        var details = new JsonObject();
        if (name.Length > 0)
        {
            details["name"] = name;
        }

        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        if (uid is not null)
        {
            details["uid"] = uid;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private static string? ScopeOf(ResourceType type, string? ns) => type.Namespaced ? ns : null;

    private static void CheckScope(ResourceType type, string? ns)
    {
        if (type.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw ApiErrors.BadRequest("the server could not find the requested resource: a namespace is required");
        }
    }

    private static void CheckKind(ResourceType type, JsonObject obj)
    {
        var apiVersion = JsonValues.String(obj["apiVersion"]);
        var kind = JsonValues.String(obj["kind"]);
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        obj["kind"] = type.Kind;
        obj["apiVersion"] = type.ApiVersion;
    }

    private static bool PatchCarriesResourceVersion(JsonNode patch) =>
        patch is JsonObject o && o["metadata"]?["resourceVersion"] is not null;

    private static string EncodeContinue(long resourceVersion, string startAfterKey)
    {
        var token = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = resourceVersion, ["start"] = startAfterKey + "\u0000" };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(token.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (long, string) DecodeContinue(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var json = JsonNode.Parse(Convert.FromBase64String(padded)) as JsonObject;
            var rv = JsonValues.Long(json?["rv"]);
            var start = JsonValues.String(json?["start"]);
            if (rv is null || start is null)
            {
                throw new FormatException("incomplete continue token");
            }

            return (rv.Value, start.TrimEnd('\u0000'));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw ApiErrors.BadRequest($"continue key is not valid: {e.Message}");
        }
    }

    /// <summary>Server-side apply as a merge of the applied configuration (field ownership is not tracked).</summary>
    private static JsonNode ApplyConfiguration(ResourceType type, JsonObject served, JsonNode applied) =>
        type.ModelType is { } model
            ? Patches.ApplyStrategicMergePatch(served, applied, model)
            : Patches.ApplyMergePatch(served, applied);

    private static bool SpecChanged(ResourceType type, JsonObject before, JsonObject after)
    {
        var a = (JsonObject)before.DeepClone();
        var b = (JsonObject)after.DeepClone();
        foreach (var o in new[] { a, b })
        {
            o.Remove("metadata");
            o.Remove("apiVersion");
            o.Remove("kind");
            if (type.HasStatus)
            {
                o.Remove("status");
            }
        }

        return !JsonNode.DeepEquals(a, b);
    }

    private static void InitialStatus(ResourceType type, JsonObject obj)
    {
        if (type.Custom is not null)
        {
            obj.Remove("status");
            return;
        }

        obj["status"] = type.Kind switch
        {
            "Pod" => new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj) },
            "Namespace" => new JsonObject { ["phase"] = "Active" },
            "PersistentVolumeClaim" => new JsonObject { ["phase"] = "Pending" },
            "PersistentVolume" => new JsonObject { ["phase"] = "Pending" },
            "Service" => new JsonObject { ["loadBalancer"] = new JsonObject() },
            "Node" => obj["status"]?.DeepClone() ?? new JsonObject(),
            "CustomResourceDefinition" => new JsonObject(),
            "PodDisruptionBudget" => new JsonObject
            {
                ["disruptionsAllowed"] = 0, ["currentHealthy"] = 0, ["desiredHealthy"] = 0, ["expectedPods"] = 0,
            },
            _ => new JsonObject(),
        };
    }

    /// <summary>BestEffort without requests or limits, Guaranteed when every container's limits equal its requests for cpu and memory, else Burstable.</summary>
    private static string QosClass(JsonObject pod)
    {
        var containers = BuiltInDefaults.Objects(pod["spec"]?["containers"]).Concat(BuiltInDefaults.Objects(pod["spec"]?["initContainers"])).ToList();
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var container in containers)
        {
            var requests = container["resources"]?["requests"] as JsonObject;
            var limits = container["resources"]?["limits"] as JsonObject;
            any |= requests is { Count: > 0 } || limits is { Count: > 0 };
            foreach (var resource in new[] { "cpu", "memory" })
            {
                var limit = limits?[resource];
                var request = requests?[resource] ?? limit;
                if (limit is null || !JsonNode.DeepEquals(limit, request))
                {
                    guaranteed = false;
                }
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private void Validate(ResourceType type, JsonObject obj, JsonObject? old)
    {
        var errors = SchemaEnforcement.DefaultAndValidate(type, obj, old);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, Metadata.Name(obj), errors);
        }
    }

    /// <summary>The common path of PUT and PATCH: carry what the client may not change, default, admit, validate, store.</summary>
    private JsonObject Replace(ResourceType type, string? ns, string name, JsonObject current, JsonObject incoming, WriteOptions options, string? subresource)
    {
        JsonObject next;
        if (subresource == "finalize")
        {
            // A namespace's /finalize changes only spec.finalizers.
            next = AsServed(type, (JsonObject)current.DeepClone(), inList: false);
            BuiltInDefaults.Ensure(next, "spec")["finalizers"] = incoming["spec"]?["finalizers"]?.DeepClone() ?? new JsonArray();
        }
        else if (subresource == "status")
        {
            // The status subresource changes only status.
            next = AsServed(type, (JsonObject)current.DeepClone(), inList: false);
            if (incoming["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = incoming;
            if (type.Kind == "Namespace" && type.Group.Length == 0)
            {
                var nsSpec = BuiltInDefaults.Ensure(next, "spec");
                nsSpec.Remove("finalizers");
                if (current["spec"]?["finalizers"] is { } kept)
                {
                    nsSpec["finalizers"] = kept.DeepClone();
                }
            }

            if (type.HasStatus)
            {
                // The main endpoint ignores status when a status subresource exists.
                if (current["status"] is { } status)
                {
                    next["status"] = status.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }
        }

        var metadata = Metadata.Of(next);
        var old = Metadata.Of(current);
        foreach (var kept in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name" })
        {
            if (old[kept] is { } value)
            {
                metadata[kept] = value.DeepClone();
            }
            else
            {
                metadata.Remove(kept);
            }
        }

        metadata.Remove("managedFields");
        metadata["resourceVersion"] = Metadata.ResourceVersion(current);
        if (Metadata.IsDeleting(current))
        {
            var added = Metadata.Finalizers(next).Except(Metadata.Finalizers(current)).ToList();
            if (added.Count > 0)
            {
                throw ApiErrors.Forbidden(type, name, "no new finalizers can be added if the object is being deleted, found new finalizers " +
                    $"[]string{{\"{string.Join("\", \"", added)}\"}}");
            }
        }

        BuiltInDefaults.Apply(type, next);
        _admission.AdmitUpdate(type, next, current);
        var served = AsServed(type, (JsonObject)current.DeepClone(), inList: false);
        if (type.TracksGeneration && SpecChanged(type, served, next))
        {
            metadata["generation"] = Metadata.Generation(current) + 1;
        }

        Validate(type, next, served);
        ObjectValidation.ValidateUpdate(type, next, served);

        if (JsonNode.DeepEquals(WithoutVersion(next), WithoutVersion(served)))
        {
            // A no-op write is not stored (the resourceVersion stays), as the real storage layer skips it.
            return served;
        }

        if (options.DryRun)
        {
            return next;
        }

        next["apiVersion"] = _registry.StorageType(type.StorageKey)?.ApiVersion ?? type.ApiVersion;
        if (Metadata.IsDeleting(next) && ReadyForRemoval(type, next))
        {
            // The last finalizer of a deleting object is gone: the object goes.
            var removed = RemoveStored(type, ns, name, Metadata.ResourceVersionNumber(current));
            return AsServed(type, removed, inList: false);
        }

        try
        {
            var updated = _store.Update(type.StorageKey, ScopeOf(type, ns), name, next, Metadata.ResourceVersionNumber(current));
            Notify(type, WatchEventType.Modified, updated);
            return AsServed(type, updated, inList: false);
        }
        catch (StoreException e) when (e.Error == StoreError.Conflict)
        {
            throw ApiErrors.StaleResourceVersion(type, name);
        }
        catch (StoreException e) when (e.Error == StoreError.NotFound)
        {
            throw ApiErrors.NotFound(type, name);
        }
    }

    private void Notify(ResourceType type, WatchEventType change, JsonObject obj)
    {
        var handlers = Written;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<StoredChange>>())
        {
            try
            {
                handler(new StoredChange(type, change, (JsonObject)obj.DeepClone()));
            }
            catch (Exception e) when (e is ApiException or StoreException or InvalidOperationException)
            {
                _logger.LogWarning(e, "Reaction to a {Change} of {Resource} {Name} failed", change, type.GroupResource, Metadata.Name(obj));
            }
        }
    }

    private static JsonObject WithoutVersion(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("apiVersion");
        copy.Remove("kind");
        Metadata.Of(copy).Remove("resourceVersion");
        return copy;
    }

    private DeleteResult DeleteOnce(ResourceType type, string? ns, string name, JsonObject current, DeleteOptions options)
    {
        var served = AsServed(type, (JsonObject)current.DeepClone(), inList: false);
        var finalizers = Metadata.Finalizers(current).ToList();
        var policy = options.PropagationPolicy ?? DefaultPropagation(type);
        if (policy is not ("Background" or "Foreground" or "Orphan"))
        {
            throw ApiErrors.Invalid(type, name, "propagationPolicy", "FieldValueNotSupported",
                $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        if (policy == "Foreground" && !finalizers.Contains("foregroundDeletion"))
        {
            finalizers.Add("foregroundDeletion");
        }
        else if (policy == "Orphan" && !finalizers.Contains("orphan"))
        {
            finalizers.Add("orphan");
        }

        var grace = GracePeriod(type, current, options);
        var namespaceFinalizers = type.Kind == "Namespace" && type.Group.Length == 0 &&
                                  current["spec"]?["finalizers"] is JsonArray { Count: > 0 };
        if (finalizers.Count == 0 && grace == 0 && !namespaceFinalizers)
        {
            if (options.DryRun)
            {
                return new DeleteResult(served, true);
            }

            var removed = RemoveStored(type, ns, name, Metadata.ResourceVersionNumber(current));
            return new DeleteResult(AsServed(type, removed, inList: false), true);
        }

        if (Metadata.IsDeleting(current))
        {
            // Already deleting: a repeated delete changes nothing but a shorter grace period (the kubelet's final
            // delete with 0 among them, which lets the pod go once its finalizers are).
            var currentGrace = JsonValues.Long(current["metadata"]?["deletionGracePeriodSeconds"]);
            if (options.DryRun || currentGrace is not { } was || grace >= was)
            {
                return new DeleteResult(served, false);
            }

            var shortened = (JsonObject)current.DeepClone();
            Metadata.Of(shortened)["deletionGracePeriodSeconds"] = grace;
            Metadata.Of(shortened)["deletionTimestamp"] = Metadata.Timestamp(_time.GetUtcNow().AddSeconds(grace));
            var stored = _store.Update(type.StorageKey, ScopeOf(type, ns), name, shortened, Metadata.ResourceVersionNumber(current));
            Notify(type, WatchEventType.Modified, stored);
            return new DeleteResult(AsServed(type, stored, inList: false), false);
        }

        var next = (JsonObject)current.DeepClone();
        var metadata = Metadata.Of(next);
        Metadata.SetFinalizers(next, finalizers);
        metadata["deletionTimestamp"] = Metadata.Timestamp(_time.GetUtcNow().AddSeconds(grace));
        metadata["deletionGracePeriodSeconds"] = grace;
        if (Metadata.Generation(next) > 0)
        {
            metadata["generation"] = Metadata.Generation(next) + 1;
        }

        if (type.Kind == "Namespace" && type.Group.Length == 0)
        {
            BuiltInDefaults.Ensure(next, "status")["phase"] = "Terminating";
        }

        if (options.DryRun)
        {
            return new DeleteResult(AsServed(type, next, inList: false), false);
        }

        var updated = _store.Update(type.StorageKey, ScopeOf(type, ns), name, next, Metadata.ResourceVersionNumber(current));
        Notify(type, WatchEventType.Modified, updated);
        _logger.LogDebug("Marked {Resource} {Namespace}/{Name} for deletion (finalizers {Finalizers})", type.GroupResource, ns, name, finalizers);
        return new DeleteResult(AsServed(type, updated, inList: false), false);
    }

    /// <summary>Orphan for batch/v1 Jobs (kept for compatibility, as the real server does), Background for everything else.</summary>
    private static string DefaultPropagation(ResourceType type) =>
        type.Group == "batch" && type.Kind == "Job" ? "Orphan" : "Background";

    /// <summary>Only pods bound to a node are deleted gracefully: their kubelet ends them; everything else goes at once.</summary>
    private static long GracePeriod(ResourceType type, JsonObject obj, DeleteOptions options)
    {
        if (type.Kind != "Pod" || type.Group.Length != 0)
        {
            return 0;
        }

        var phase = JsonValues.String(obj["status"]?["phase"]);
        if (string.IsNullOrEmpty(JsonValues.String(obj["spec"]?["nodeName"])) || phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        var grace = options.GracePeriodSeconds ?? JsonValues.Long(obj["spec"]?["terminationGracePeriodSeconds"]) ?? 30;
        return Math.Max(0, grace);
    }

    private static bool ReadyForRemoval(ResourceType type, JsonObject obj) =>
        Metadata.Finalizers(obj).Count == 0 &&
        !(type.Kind == "Namespace" && type.Group.Length == 0 && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 }) &&
        !(type.Kind == "Pod" && type.Group.Length == 0 && (JsonValues.Long(obj["metadata"]?["deletionGracePeriodSeconds"]) ?? 0) > 0);

    private JsonObject RemoveStored(ResourceType type, string? ns, string name, long expectedResourceVersion)
    {
        try
        {
            var removed = _store.Delete(type.StorageKey, ScopeOf(type, ns), name, expectedResourceVersion);
            Notify(type, WatchEventType.Deleted, removed);
            return removed;
        }
        catch (StoreException e) when (e.Error == StoreError.NotFound)
        {
            throw ApiErrors.NotFound(type, name);
        }
    }
}
