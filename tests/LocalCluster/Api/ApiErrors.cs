using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// The errors a real API server returns, with its reasons, codes and messages
/// (k8s.io/apimachinery/pkg/api/errors), in one place.
/// </summary>
public static class ApiErrors
{
    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", Details(type, name));

    public static ApiException NotFound(string groupResource, string group, string resource, string name) =>
        new(404, "NotFound", $"{groupResource} \"{name}\" not found", Details(group, resource, name));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", Details(type, name));

    public static ApiException Conflict(ResourceType type, string name, string detail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {detail}", Details(type, name));

    /// <summary>The 409 of a write carrying a stale resourceVersion.</summary>
    public static ApiException StaleResourceVersion(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>422 Invalid with one cause per field error, as <c>errors.NewInvalid</c> words it.</summary>
    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var error in errors)
        {
            causes.Add(new JsonObject { ["reason"] = error.Reason, ["message"] = error.Message, ["field"] = error.Field });
        }

        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Kind;
        details["causes"] = causes;
        var listed = errors.Select(e => e.Field.Length == 0 ? e.Message : $"{e.Field}: {e.Message}").ToList();
        var text = listed.Count == 1 ? listed[0] : $"[{string.Join(", ", listed)}]";
        return new ApiException(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {text}", details);
    }

    public static ApiException Invalid(ResourceType type, string name, string field, string reason, string message) =>
        Invalid(type, name, [new FieldError(reason, field, message)]);

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Forbidden(ResourceType? type, string name, string message)
    {
        var prefix = type is null ? "forbidden" :
            name.Length == 0 ? $"{type.GroupResource} is forbidden" : $"{type.GroupResource} \"{name}\" is forbidden";
        return new ApiException(403, "Forbidden", $"{prefix}: {message}", type is null ? null : Details(type, name));
    }

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public static ApiException UnsupportedMediaType(IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");

    public static ApiException NotAcceptable(string accepted) =>
        new(406, "NotAcceptable", $"only the following media types are accepted: {accepted}");

    /// <summary>410 Gone for a watch or continue token older than the retained window.</summary>
    public static ApiException Expired(string message) => new(410, "Expired", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiException ServerTimeout(string message) => new(504, "Timeout", message);

    private static JsonObject Details(ResourceType type, string name) => Details(type.Group, type.Plural, name);

    private static JsonObject Details(string group, string resource, string name)
    {
        var details = new JsonObject();
        if (name.Length > 0)
        {
            details["name"] = name;
        }

        if (group.Length > 0)
        {
            details["group"] = group;
        }

        details["kind"] = resource;
        return details;
    }
}
