using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Http;

/// <summary>Reads the query parameters of API requests into the resource layer's options.</summary>
public static class HttpQuery
{
    public static ListOptions List(IQueryCollection query) => new()
    {
        LabelSelector = Text(query, "labelSelector"),
        FieldSelector = Text(query, "fieldSelector"),
        Limit = (int)(Number(query, "limit") ?? 0),
        Continue = Text(query, "continue"),
        ResourceVersion = Text(query, "resourceVersion"),
        AllowWatchBookmarks = Flag(query, "allowWatchBookmarks"),
        Timeout = Number(query, "timeoutSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
    };

    public static WriteOptions Write(IQueryCollection query)
    {
        var validation = Text(query, "fieldValidation");
        return new WriteOptions
        {
            DryRun = DryRun(query),
            FieldManager = Text(query, "fieldManager"),
            Force = Flag(query, "force"),
            FieldValidation = validation switch
            {
                null or "" or "Warn" => FieldValidation.Warn,
                "Strict" => FieldValidation.Strict,
                "Ignore" => FieldValidation.Ignore,
                _ => throw ApiErrors.BadRequest($"fieldValidation parameter unsupported: {validation}"),
            },
        };
    }

    public static DeleteOptions Delete(IQueryCollection query, JsonNode? body)
    {
        var policy = Text(query, "propagationPolicy") ?? JsonValues.String(body?["propagationPolicy"]);
        var orphan = Text(query, "orphanDependents") is { } o ? o == "true" : JsonValues.Bool(body?["orphanDependents"]);
        if (policy is null && orphan is { } orphanDependents)
        {
            policy = orphanDependents ? "Orphan" : "Background";
        }

        var bodyDryRun = (body?["dryRun"] as JsonArray)?.Any(v => JsonValues.String(v) == "All") == true;
        return new DeleteOptions
        {
            PropagationPolicy = policy,
            GracePeriodSeconds = Number(query, "gracePeriodSeconds") ?? JsonValues.Long(body?["gracePeriodSeconds"]),
            PreconditionUid = JsonValues.String(body?["preconditions"]?["uid"]),
            PreconditionResourceVersion = JsonValues.String(body?["preconditions"]?["resourceVersion"]),
            DryRun = DryRun(query) || bodyDryRun,
        };
    }

    public static PodLogRequest Log(IQueryCollection query) => new(
        Flag(query, "follow"), Flag(query, "previous"), Number(query, "tailLines"), Number(query, "sinceSeconds"),
        Flag(query, "timestamps"), Number(query, "limitBytes"));

    public static string? Text(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    public static bool Flag(IQueryCollection query, string name) =>
        Text(query, name) is { } value && (value.Length == 0 || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    public static long? Number(IQueryCollection query, string name)
    {
        var text = Text(query, name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiErrors.BadRequest($"invalid value for {name}: {text}");
    }

    private static bool DryRun(IQueryCollection query)
    {
        var value = Text(query, "dryRun");
        return value switch
        {
            null or "" => false,
            "All" => true,
            _ => throw ApiErrors.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\""),
        };
    }
}
