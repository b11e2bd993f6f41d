using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// The API server's HTTP front: authenticates the bearer token, authorises with RBAC, routes
/// discovery, OpenAPI and resource requests (verbs, subresources, watches, Tables) to the resource
/// layer, and answers failures with <c>metav1.Status</c>.
/// </summary>
public sealed partial class ApiRequestHandler
{
    private readonly ResourceService _resources;
    private readonly TokenAuthority _tokens;
    private readonly RbacAuthorizer _authorizer;
    private readonly TableConverter _tables;
    private readonly WatchStreamer _watches;
    private readonly SubresourceEndpoints _subresources;
    private readonly ReviewEndpoints _reviews;
    private readonly ILogger<ApiRequestHandler> _logger;

    public ApiRequestHandler(
        ResourceService resources, TokenAuthority tokens, RbacAuthorizer authorizer, TableConverter tables, WatchStreamer watches,
        SubresourceEndpoints subresources, ReviewEndpoints reviews, ILogger<ApiRequestHandler> logger)
    {
        _resources = resources;
        _tokens = tokens;
        _authorizer = authorizer;
        _tables = tables;
        _watches = watches;
        _subresources = subresources;
        _reviews = reviews;
        _logger = logger;
    }

    /// <summary>The Kubernetes version the server reports.</summary>
    public static JsonObject VersionInfo { get; } = new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T00:00:00Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        try
        {
            var user = Authenticate(request);
            var path = request.Path.Value ?? "/";
            var apiPath = ApiPath.Parse(path);
            if (apiPath.IsResource)
            {
                await HandleResourceAsync(context, user, apiPath).ConfigureAwait(false);
            }
            else
            {
                await HandleNonResourceAsync(context, user, path, apiPath).ConfigureAwait(false);
            }
        }
        catch (ApiException e)
        {
            LogRefused(request.Method, request.Path.Value ?? "", e.Code, e.Message);
            if (!context.Response.HasStarted)
            {
                await ApiResponses.WriteStatusAsync(context, e).ConfigureAwait(false);
            }
        }
        catch (JsonException e)
        {
            if (!context.Response.HasStarted)
            {
                await ApiResponses.WriteStatusAsync(context, ApiErrors.BadRequest($"the object provided is unrecognized: {e.Message}")).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // A server answers a bug with 500 InternalError, as the real one does, and keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(e, request.Method, request.Path.Value ?? "");
            if (!context.Response.HasStarted)
            {
                await ApiResponses.WriteStatusAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {e.Message}")).ConfigureAwait(false);
            }
        }
    }

    private UserInfo Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return UserInfo.Anonymous;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrors.Unauthorized();
        }

        var user = _tokens.Authenticate(header["Bearer ".Length..].Trim())?.User ?? throw ApiErrors.Unauthorized();
        return Impersonate(request, user);
    }

    /// <summary>
    /// <c>Impersonate-User</c>/<c>-Group</c> (kubectl <c>--as</c>, <c>--as-group</c>): the request runs as
    /// that identity if the caller may <c>impersonate</c> it.
    /// </summary>
    private UserInfo Impersonate(HttpRequest request, UserInfo caller)
    {
        var name = request.Headers["Impersonate-User"].ToString();
        var groups = request.Headers["Impersonate-Group"].SelectMany(g => (g ?? "").Split(',')).Where(g => g.Length > 0).ToList();
        if (name.Length == 0)
        {
            return groups.Count == 0 ? caller : throw ApiErrors.BadRequest("impersonating groups requires impersonating a user");
        }

        RequestAttributes target;
        UserInfo result;
        if (name.StartsWith(UserInfo.ServiceAccountPrefix, StringComparison.Ordinal) &&
            name[UserInfo.ServiceAccountPrefix.Length..].Split(':') is [var ns, var account])
        {
            target = new RequestAttributes("impersonate", "", "serviceaccounts", "", account, ns);
            result = UserInfo.ServiceAccount(ns, account, null);
            result = result with { Groups = [.. result.Groups, .. groups.Except(result.Groups)] };
        }
        else
        {
            target = new RequestAttributes("impersonate", "", "users", "", name);
            result = new UserInfo(name, [.. groups, UserInfo.AuthenticatedGroup]);
        }

        foreach (var check in groups.Select(g => new RequestAttributes("impersonate", "", "groups", "", g)).Prepend(target))
        {
            if (!_authorizer.AuthorizeRequest(caller, check).Allowed)
            {
                throw new ApiException(403, "Forbidden",
                    $"{check.Resource} \"{check.Name}\" is forbidden: {RbacAuthorizer.DenialMessage(caller, check)}",
                    new System.Text.Json.Nodes.JsonObject { ["name"] = check.Name, ["kind"] = check.Resource });
            }
        }

        return result;
    }

    private void Authorize(UserInfo user, RequestAttributes attributes, ResourceType? type)
    {
        if (!_authorizer.AuthorizeRequest(user, attributes).Allowed)
        {
            throw ApiErrors.Forbidden(type, attributes.Name, RbacAuthorizer.DenialMessage(user, attributes));
        }
    }

    private async Task HandleNonResourceAsync(HttpContext context, UserInfo user, string path, ApiPath apiPath)
    {
        var verb = context.Request.Method.ToLowerInvariant();
        Authorize(user, new RequestAttributes(verb, Path: path), null);
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            throw ApiErrors.MethodNotAllowed();
        }

        var trimmed = path.TrimEnd('/');
        var registry = _resources.Registry;
        JsonNode? document = trimmed switch
        {
            "/version" => VersionInfo,
            "/api" => DiscoveryDocuments.Versions($"{context.Connection.LocalIpAddress}:{context.Connection.LocalPort}"),
            "/apis" => DiscoveryDocuments.GroupList(registry),
            "/openapi/v3" => OpenApiDocuments.Root(registry),
            _ when trimmed.StartsWith("/openapi/v3/", StringComparison.Ordinal) => OpenApi(trimmed["/openapi/v3".Length..]),
            _ when trimmed.StartsWith("/apis/", StringComparison.Ordinal) && trimmed.Count(c => c == '/') == 2 =>
                DiscoveryDocuments.GroupDocument(registry, trimmed["/apis/".Length..]),
            _ when apiPath.Version.Length > 0 || trimmed.StartsWith("/api/", StringComparison.Ordinal) =>
                DiscoveryDocuments.ResourceList(registry, apiPath.Group, apiPath.Version.Length > 0 ? apiPath.Version : trimmed["/api/".Length..]),
            _ => null,
        };
        if (trimmed is "/healthz" or "/livez" or "/readyz")
        {
            await ApiResponses.WriteTextAsync(context, 200, "ok").ConfigureAwait(false);
            return;
        }

        if (document is null)
        {
            if (trimmed.StartsWith("/api", StringComparison.Ordinal) || trimmed.StartsWith("/openapi", StringComparison.Ordinal))
            {
                throw ApiErrors.PathNotFound();
            }

            await ApiResponses.WriteTextAsync(context, 404, "404 page not found\n").ConfigureAwait(false);
            return;
        }

        await ApiResponses.WriteJsonAsync(context, 200, document.DeepClone()).ConfigureAwait(false);
    }

    private JsonObject? OpenApi(string groupVersionPath)
    {
        var parts = groupVersionPath.Trim('/').Split('/');
        return parts switch
        {
            ["api", var version] => OpenApiDocuments.GroupVersion(_resources.Registry, "", version),
            ["apis", var group, var version] => OpenApiDocuments.GroupVersion(_resources.Registry, group, version),
            _ => null,
        };
    }

    private async Task HandleResourceAsync(HttpContext context, UserInfo user, ApiPath path)
    {
        var request = context.Request;
        var type = _resources.Registry.Find(path.Group, path.Version, path.Resource);
        if (type is null || path.Depth > 3 || (!type.Namespaced && path.Namespace is not null) ||
            (type.Namespaced && path.Namespace is null && path.Name.Length > 0) ||
            (path.Subresource.Length > 0 && !type.Subresources.Contains(path.Subresource)))
        {
            throw ApiErrors.PathNotFound();
        }

        var watch = path.LegacyWatch || HttpQuery.Flag(request.Query, "watch");
        var named = path.Name.Length > 0;
        var verb = request.Method switch
        {
            "GET" when watch => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => named ? "delete" : "deletecollection",
            _ => throw ApiErrors.MethodNotAllowed(),
        };
        if (!type.Verbs.Contains(verb) || (verb == "create" && named && path.Subresource.Length == 0))
        {
            throw ApiErrors.MethodNotAllowed();
        }

        Authorize(user, new RequestAttributes(verb, type.Group, type.Plural, path.Subresource, path.Name, path.Namespace), type);
        if (!type.IsStored)
        {
            await _reviews.HandleAsync(context, user, type, path.Namespace).ConfigureAwait(false);
            return;
        }

        if (path.Subresource is not ("" or "status" or "finalize"))
        {
            await _subresources.HandleAsync(context, user, type, path).ConfigureAwait(false);
            return;
        }

        var subresource = path.Subresource.Length == 0 ? null : path.Subresource;
        var ns = path.Namespace;
        switch (verb)
        {
            case "watch":
                await _watches.StreamAsync(context, type, ns, HttpQuery.List(request.Query), path.Name, TableRequest(request)).ConfigureAwait(false);
                return;
            case "get":
                await RespondAsync(context, 200, type, _resources.Get(type, ns, path.Name)).ConfigureAwait(false);
                return;
            case "list":
                var list = _resources.List(type, ns, HttpQuery.List(request.Query));
                await RespondAsync(context, 200, type, list, isList: true).ConfigureAwait(false);
                return;
            case "create":
                var created = await ReadObjectAsync(context).ConfigureAwait(false);
                var createOptions = HttpQuery.Write(request.Query);
                var result = _resources.Create(type, ns, created, createOptions);
                await ApiResponses.WriteJsonAsync(context, 201, result, createOptions.Warnings).ConfigureAwait(false);
                return;
            case "update":
                var replacement = await ReadObjectAsync(context).ConfigureAwait(false);
                var updateOptions = HttpQuery.Write(request.Query);
                var updated = _resources.Update(type, ns, path.Name, replacement, updateOptions, subresource);
                await ApiResponses.WriteJsonAsync(context, 200, updated, updateOptions.Warnings).ConfigureAwait(false);
                return;
            case "patch":
                await PatchAsync(context, type, ns, path.Name, subresource).ConfigureAwait(false);
                return;
            case "delete":
                var deleteBody = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
                var deleted = _resources.Delete(type, ns, path.Name, HttpQuery.Delete(request.Query, deleteBody));
                var body = deleted.Removed && !type.DeleteReturnsObject
                    ? ResourceService.SuccessStatus(type, path.Name, Metadata.Uid(deleted.Object))
                    : deleted.Object;
                // 200 also when finalizers or a grace period keep the object: the real handler answers 202 only
                // for the deprecated orphanDependents=false (apiserver/pkg/endpoints/handlers/delete.go).
                await ApiResponses.WriteJsonAsync(context, 200, body).ConfigureAwait(false);
                return;
            default:
                var collectionBody = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
                var status = _resources.DeleteCollection(type, ns, HttpQuery.List(request.Query), HttpQuery.Delete(request.Query, collectionBody));
                await ApiResponses.WriteJsonAsync(context, 200, status).ConfigureAwait(false);
                return;
        }
    }

    private async Task PatchAsync(HttpContext context, ResourceType type, string? ns, string name, string? subresource)
    {
        var request = context.Request;
        var contentType = (request.ContentType ?? "").Split(';')[0].Trim();
        var kind = contentType switch
        {
            "application/merge-patch+json" => PatchKind.Merge,
            "application/json-patch+json" => PatchKind.Json,
            "application/strategic-merge-patch+json" => PatchKind.StrategicMerge,
            "application/apply-patch+yaml" or "application/apply-patch+cbor" => PatchKind.Apply,
            _ => throw ApiErrors.UnsupportedMediaType(type.ModelType is null
                ? ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
                : ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml", "application/strategic-merge-patch+json"]),
        };
        var patch = await RequestBodies.ReadAsync(request, context.RequestAborted).ConfigureAwait(false)
                    ?? throw ApiErrors.BadRequest("the body of the request was empty");
        var options = HttpQuery.Write(request.Query);
        var existed = _resources.Find(type, ns, name) is not null;
        var result = _resources.Patch(type, ns, name, kind, patch, options, subresource);
        await ApiResponses.WriteJsonAsync(context, existed ? 200 : 201, result, options.Warnings).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context) =>
        await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false) as JsonObject
        ?? throw ApiErrors.BadRequest("the body of the request was in an unknown format: an object is required");

    /// <summary>What the client's Accept asks for: null for plain JSON, else the Table's includeObject policy.</summary>
    private static string? TableRequest(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        var first = accept.Split(',').Select(a => a.Trim()).FirstOrDefault() ?? "";
        if (!first.Contains("as=Table", StringComparison.Ordinal))
        {
            return null;
        }

        return HttpQuery.Text(request.Query, "includeObject") ?? "Metadata";
    }

    private async Task RespondAsync(HttpContext context, int code, ResourceType type, JsonObject body, bool isList = false)
    {
        if (TableRequest(context.Request) is { } includeObject)
        {
            var items = isList ? body["items"]!.AsArray().OfType<JsonObject>().Select(i => ResourceService.AsServed(type, i, inList: false)).ToList() : [body];
            var metadata = isList ? (JsonObject)body["metadata"]!.DeepClone() : new JsonObject { ["resourceVersion"] = Metadata.ResourceVersion(body) };
            body = _tables.Convert(type, items, metadata, includeObject);
        }

        await ApiResponses.WriteJsonAsync(context, code, body).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private partial void LogFailed(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}: {Code} {Message}")]
    private partial void LogRefused(string method, string path, int code, string message);
}
