using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// The type and metadata checks of x-kubernetes-embedded-resource values below the root
/// (apiserver/schema/objectmeta/validation.go): apiVersion and kind are required strings, apiVersion a valid
/// group/version, kind a DNS-1035 label in any case, and metadata.name, if given, a valid path segment.
/// </summary>
internal static partial class EmbeddedResources
{
    public static List<FieldError> Validate(JsonObject obj, SchemaNode root)
    {
        var errors = new List<FieldError>();
        foreach (var (name, value) in obj)
        {
            if (root.Property(name) is { } property)
            {
                Walk(name, value, property, errors);
            }
        }

        return errors;
    }

    private static void Walk(string path, JsonNode? value, SchemaNode schema, List<FieldError> errors)
    {
        switch (value)
        {
            case JsonObject obj:
                if (schema.XEmbeddedResource)
                {
                    ValidateResource(path, obj, errors);
                }

                foreach (var (name, child) in obj)
                {
                    if (schema.Property(name) is { } property)
                    {
                        Walk(path + "." + name, child, property, errors);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        Walk(FieldErrors.Key(path, name), child, additional, errors);
                    }
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(FieldErrors.Key(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), array[i], items, errors);
                }

                break;
        }
    }

    private static void ValidateResource(string path, JsonObject obj, List<FieldError> errors)
    {
        if (!obj.ContainsKey("apiVersion"))
        {
            errors.Add(FieldErrors.Required(path + ".apiVersion", "must not be empty"));
        }

        if (!obj.ContainsKey("kind"))
        {
            errors.Add(FieldErrors.Required(path + ".kind", "must not be empty"));
        }

        foreach (var (name, value) in obj)
        {
            var decoded = GoFormat.Decode(value);
            switch (name)
            {
                case "apiVersion" when decoded is not string:
                case "kind" when decoded is not string:
                    errors.Add(FieldErrors.Invalid(path + "." + name, value, "must be a string"));
                    break;
                case "apiVersion" or "kind" when decoded is "":
                    errors.Add(FieldErrors.Invalid(path + "." + name, "", "must not be empty"));
                    break;
                case "apiVersion" when decoded is string apiVersion && apiVersion.Count(c => c == '/') > 1:
                    errors.Add(FieldErrors.Invalid(path + ".apiVersion", apiVersion, $"unexpected GroupVersion string: {apiVersion}"));
                    break;
                case "kind" when decoded is string kind && !Dns1035Label().IsMatch(kind.ToLowerInvariant()):
                    errors.Add(FieldErrors.Invalid(path + ".kind", kind,
                        "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
                    break;
                case "metadata" when value is JsonObject metadata && GoFormat.Decode(metadata["name"]) is string metadataName &&
                    (metadataName is "." or ".." || metadataName.Contains('/', StringComparison.Ordinal) || metadataName.Contains('%', StringComparison.Ordinal)):
                    errors.Add(FieldErrors.Invalid(path + ".metadata.name", metadataName, metadataName is "." or ".."
                        ? $"may not be '{metadataName}'"
                        : $"may not contain '{(metadataName.Contains('/', StringComparison.Ordinal) ? "/" : "%")}'"));
                    break;
            }
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();
}
