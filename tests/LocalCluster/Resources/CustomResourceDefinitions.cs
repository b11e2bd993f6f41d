using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// What a CustomResourceDefinition means to the server: its validation (names, versions, structural
/// schemas), the resource types it serves, and the names it accepts.
/// </summary>
public static class CustomResourceDefinitions
{
    /// <summary>The finalizer the real server puts on every CRD so its custom resources are deleted first.</summary>
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    public static IEnumerable<FieldError> Validate(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var group = JsonValues.String(spec?["group"]) ?? "";
        var names = spec?["names"] as JsonObject;
        var plural = JsonValues.String(names?["plural"]) ?? "";
        var kind = JsonValues.String(names?["kind"]) ?? "";
        var name = Metadata.Name(crd);
        if (name != $"{plural}.{group}")
        {
            yield return new FieldError("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }

        if (group.Length == 0)
        {
            yield return new FieldError("FieldValueRequired", "spec.group", "Required value");
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            yield return new FieldError("FieldValueInvalid", "spec.group", $"Invalid value: \"{group}\": should be a domain with at least one dot");
        }

        if (plural.Length == 0)
        {
            yield return new FieldError("FieldValueRequired", "spec.names.plural", "Required value");
        }

        if (kind.Length == 0)
        {
            yield return new FieldError("FieldValueRequired", "spec.names.kind", "Required value");
        }

        var scope = JsonValues.String(spec?["scope"]);
        if (scope is not ("Namespaced" or "Cluster"))
        {
            yield return new FieldError("FieldValueNotSupported", "spec.scope", $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"");
        }

        var versions = Versions(crd);
        if (versions.Count == 0)
        {
            yield return new FieldError("FieldValueInvalid", "spec.versions", "Invalid value: null: must have exactly one version marked as storage version");
            yield break;
        }

        if (versions.Count(v => JsonValues.Bool(v["storage"]) == true) != 1)
        {
            yield return new FieldError("FieldValueInvalid", "spec.versions",
                "Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version");
        }

        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i]["schema"]?["openAPIV3Schema"] is not JsonObject schema)
            {
                yield return new FieldError("FieldValueRequired", $"spec.versions[{i}].schema.openAPIV3Schema", "Required value: schemas are required");
                continue;
            }

            string? problem = null;
            try
            {
                CustomResourceSchema.FromOpenApiV3(schema);
            }
            catch (SchemaException e)
            {
                problem = e.Message;
            }

            if (problem is not null)
            {
                yield return new FieldError("FieldValueInvalid", $"spec.versions[{i}].schema.openAPIV3Schema", problem);
            }
        }
    }

    public static IEnumerable<FieldError> ValidateUpdate(JsonObject next, JsonObject old)
    {
        if (JsonValues.String(next["spec"]?["group"]) != JsonValues.String(old["spec"]?["group"]))
        {
            yield return new FieldError("FieldValueInvalid", "spec.group", $"Invalid value: \"{JsonValues.String(next["spec"]?["group"])}\": field is immutable");
        }

        if (JsonValues.String(next["spec"]?["scope"]) != JsonValues.String(old["spec"]?["scope"]))
        {
            yield return new FieldError("FieldValueInvalid", "spec.scope", $"Invalid value: \"{JsonValues.String(next["spec"]?["scope"])}\": field is immutable");
        }
    }

    /// <summary>The names the CRD asks for, with singular and listKind defaulted.</summary>
    public static JsonObject AcceptedNames(JsonObject crd)
    {
        var names = (JsonObject?)crd["spec"]?["names"]?.DeepClone() ?? new JsonObject();
        var kind = JsonValues.String(names["kind"]) ?? "";
        if (string.IsNullOrEmpty(JsonValues.String(names["singular"])))
        {
            names["singular"] = kind.ToLowerInvariant();
        }

        if (string.IsNullOrEmpty(JsonValues.String(names["listKind"])))
        {
            names["listKind"] = kind + "List";
        }

        return names;
    }

    /// <summary>One resource type per served version of the CRD.</summary>
    public static IReadOnlyList<ResourceType> ToResourceTypes(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject ?? [];
        var names = AcceptedNames(crd);
        var group = JsonValues.String(spec["group"]) ?? "";
        var types = new List<ResourceType>();
        foreach (var version in Versions(crd))
        {
            if (JsonValues.Bool(version["served"]) == false)
            {
                continue;
            }

            var schemaJson = version["schema"]?["openAPIV3Schema"] as JsonObject;
            CustomResourceSchema? schema = null;
            if (schemaJson is not null)
            {
                try
                {
                    schema = CustomResourceSchema.FromOpenApiV3(schemaJson);
                }
                catch (SchemaException)
                {
                    // Refused at create; an old stored CRD with a bad schema serves without one.
                }
            }

            var subresources = new HashSet<string>();
            if (version["subresources"]?["status"] is not null)
            {
                subresources.Add("status");
            }

            if (version["subresources"]?["scale"] is not null)
            {
                subresources.Add("scale");
            }

            types.Add(new ResourceType
            {
                Group = group,
                Version = JsonValues.String(version["name"]) ?? "",
                Plural = JsonValues.String(names["plural"]) ?? "",
                Singular = JsonValues.String(names["singular"]) ?? "",
                Kind = JsonValues.String(names["kind"]) ?? "",
                Namespaced = JsonValues.String(spec["scope"]) != "Cluster",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                Subresources = subresources,
                TracksGeneration = true,
                DeleteReturnsObject = true,
                IsStorageVersion = JsonValues.Bool(version["storage"]) == true,
                Custom = new CustomResourceVersion(schema, PrinterColumns(version), Metadata.Name(crd), version["subresources"]?["scale"] as JsonObject),
            });
        }

        return types;
    }

    private static List<PrinterColumn> PrinterColumns(JsonObject version)
    {
        if (version["additionalPrinterColumns"] is not JsonArray { Count: > 0 } columns)
        {
            return [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")];
        }

        return columns.OfType<JsonObject>().Select(c => new PrinterColumn(
            JsonValues.String(c["name"]) ?? "",
            JsonValues.String(c["type"]) ?? "string",
            JsonValues.String(c["jsonPath"]) ?? "",
            JsonValues.String(c["format"]) ?? "",
            JsonValues.String(c["description"]) ?? "",
            (int)(JsonValues.Long(c["priority"]) ?? 0))).ToList();
    }

    private static List<JsonObject> Versions(JsonObject crd) =>
        (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(JsonValues.String).OfType<string>().ToList() ?? [];
}
