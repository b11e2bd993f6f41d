using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Auth;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// The create-only review APIs: SelfSubjectAccessReview (<c>kubectl auth can-i</c>),
/// SelfSubjectRulesReview (<c>can-i --list</c>), SubjectAccessReview, LocalSubjectAccessReview,
/// SelfSubjectReview (<c>kubectl auth whoami</c>) and TokenReview.
/// </summary>
public sealed class ReviewEndpoints
{
    private readonly RbacAuthorizer _authorizer;
    private readonly TokenAuthority _tokens;

    public ReviewEndpoints(RbacAuthorizer authorizer, TokenAuthority tokens)
    {
        _authorizer = authorizer;
        _tokens = tokens;
    }

    public async Task HandleAsync(HttpContext context, UserInfo user, ResourceType type, string? ns)
    {
        var review = await RequestBodies.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false) as JsonObject
                     ?? throw ApiErrors.BadRequest("the body of the request was empty");
        var spec = review["spec"] as JsonObject ?? [];
        JsonObject status = type.Kind switch
        {
            "SelfSubjectAccessReview" => Access(user, spec, null),
            "LocalSubjectAccessReview" => Access(Subject(spec), spec, ns),
            "SubjectAccessReview" => Access(Subject(spec), spec, null),
            "SelfSubjectRulesReview" => Rules(user, JsonValues.String(spec["namespace"])),
            "SelfSubjectReview" => new JsonObject { ["userInfo"] = UserJson(user) },
            "TokenReview" => TokenStatus(JsonValues.String(spec["token"]) ?? ""),
            _ => throw ApiErrors.MethodNotAllowed(),
        };
        var result = new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = spec.DeepClone(),
            ["status"] = status,
        };
        await ApiResponses.WriteJsonAsync(context, 201, result).ConfigureAwait(false);
    }

    private static UserInfo Subject(JsonObject spec) =>
        new(JsonValues.String(spec["user"]) ?? "",
            (spec["groups"] as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [],
            JsonValues.String(spec["uid"]));

    private JsonObject Access(UserInfo user, JsonObject spec, string? forcedNamespace)
    {
        RequestAttributes request;
        if (spec["nonResourceAttributes"] is JsonObject nonResource)
        {
            request = new RequestAttributes(JsonValues.String(nonResource["verb"]) ?? "", Path: JsonValues.String(nonResource["path"]) ?? "");
        }
        else
        {
            var attributes = spec["resourceAttributes"] as JsonObject ?? [];
            request = new RequestAttributes(
                JsonValues.String(attributes["verb"]) ?? "",
                JsonValues.String(attributes["group"]) ?? "",
                JsonValues.String(attributes["resource"]) ?? "",
                JsonValues.String(attributes["subresource"]) ?? "",
                JsonValues.String(attributes["name"]) ?? "",
                forcedNamespace ?? (JsonValues.String(attributes["namespace"]) is { Length: > 0 } ns ? ns : null));
        }

        var decision = _authorizer.Authorize(user, request);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        return status;
    }

    private JsonObject Rules(UserInfo user, string? ns)
    {
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in _authorizer.RulesFor(user, ns))
        {
            if (rule["nonResourceURLs"] is JsonArray urls)
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = rule["verbs"]?.DeepClone(), ["nonResourceURLs"] = urls.DeepClone() });
            }
            else
            {
                var copy = (JsonObject)rule.DeepClone();
                copy.Remove("nonResourceURLs");
                resourceRules.Add(copy);
            }
        }

        return new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false };
    }

    private JsonObject TokenStatus(string token)
    {
        var authenticated = _tokens.Authenticate(token);
        if (authenticated is not { } found)
        {
            return new JsonObject { ["authenticated"] = false, ["user"] = new JsonObject(), ["error"] = "invalid bearer token" };
        }

        return new JsonObject
        {
            ["authenticated"] = true,
            ["user"] = UserJson(found.User),
            ["audiences"] = new JsonArray(found.Audiences.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        };
    }

    private static JsonObject UserJson(UserInfo user)
    {
        var json = new JsonObject
        {
            ["username"] = user.Name,
            ["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray()),
        };
        if (user.Uid is not null)
        {
            json["uid"] = user.Uid;
        }

        return json;
    }
}
