using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// The real server's validation of object metadata (names, labels, owner references) and the
/// checks of the built-in kinds that users and operators trip over most (required fields, Job
/// restart policy, selectors matching templates, immutable fields), with its messages.
/// </summary>
public static partial class ObjectValidation
{
    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string PodUpdateMessage =
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    public static IEnumerable<FieldError> ValidateMetadata(ResourceType type, JsonObject obj)
    {
        var name = Metadata.Name(obj);
        foreach (var message in NameErrors(type, name))
        {
            yield return new FieldError("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {message}");
        }

        if (Metadata.Labels(obj) is { } labels)
        {
            foreach (var (key, value) in labels)
            {
                var text = JsonValues.Display(value);
                if (text.Length > 63 || !LabelValue().IsMatch(text))
                {
                    var detail = text.Length > 63 ? "must be no more than 63 characters" : LabelValueMessage;
                    yield return new FieldError("FieldValueInvalid", $"metadata.labels", $"Invalid value: \"{text}\": {detail}");
                }

                if (!QualifiedName().IsMatch(key))
                {
                    yield return new FieldError("FieldValueInvalid", "metadata.labels",
                        $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
                }
            }
        }

        var references = Metadata.OwnerReferences(obj);
        for (var i = 0; i < references.Count; i++)
        {
            foreach (var field in new[] { "apiVersion", "kind", "name", "uid" })
            {
                if (string.IsNullOrEmpty(JsonValues.String(references[i][field])))
                {
                    yield return field == "uid"
                        ? new FieldError("FieldValueInvalid", $"metadata.ownerReferences.uid", "Invalid value: \"\": uid must not be empty")
                        : new FieldError("FieldValueInvalid", $"metadata.ownerReferences.{field}", $"Invalid value: \"\": {field} must not be empty");
                }
            }
        }

        if (references.Count(r => JsonValues.Bool(r["controller"]) == true) > 1)
        {
            yield return new FieldError("FieldValueInvalid", "metadata.ownerReferences", "Invalid value: []v1.OwnerReference{...}: Only one reference can have Controller set to true");
        }
    }

    public static IEnumerable<FieldError> ValidateBuiltIn(ResourceType type, JsonObject obj)
    {
        var spec = obj["spec"] as JsonObject;
        switch (type.Kind)
        {
            case "Pod":
                return PodSpec(spec, "spec");
            case "Job":
                return Job(spec);
            case "Deployment" or "ReplicaSet" or "StatefulSet":
                return Workload(spec);
            case "Service":
                return Service(spec);
            case "CustomResourceDefinition":
                return CustomResourceDefinitions.Validate(obj);
            default:
                return [];
        }
    }

    /// <summary>Refuses changes to what the real server keeps immutable.</summary>
    public static void ValidateUpdate(ResourceType type, JsonObject next, JsonObject old)
    {
        var errors = new List<FieldError>();
        var spec = next["spec"];
        var oldSpec = old["spec"];
        switch (type.Kind)
        {
            case "Pod" when type.Group.Length == 0:
                if (!JsonNode.DeepEquals(MutablePodFieldsCleared(spec), MutablePodFieldsCleared(oldSpec)))
                {
                    errors.Add(new FieldError("FieldValueForbidden", "spec", PodUpdateMessage));
                }

                break;
            case "Job":
                Immutable(errors, "spec.selector", spec?["selector"], oldSpec?["selector"]);
                if (JsonValues.Bool(oldSpec?["suspend"]) != true)
                {
                    Immutable(errors, "spec.template", spec?["template"], oldSpec?["template"]);
                }

                Immutable(errors, "spec.completionMode", spec?["completionMode"], oldSpec?["completionMode"]);
                break;
            case "Deployment" or "ReplicaSet" or "StatefulSet":
                Immutable(errors, "spec.selector", spec?["selector"], oldSpec?["selector"]);
                if (type.Kind == "StatefulSet")
                {
                    Immutable(errors, "spec.serviceName", spec?["serviceName"], oldSpec?["serviceName"]);
                    Immutable(errors, "spec.volumeClaimTemplates", spec?["volumeClaimTemplates"], oldSpec?["volumeClaimTemplates"]);
                }

                break;
            case "Service":
                var oldIp = JsonValues.String(oldSpec?["clusterIP"]);
                if (!string.IsNullOrEmpty(oldIp) && JsonValues.String(spec?["clusterIP"]) is { } ip && ip != oldIp)
                {
                    errors.Add(new FieldError("FieldValueInvalid", "spec.clusterIPs[0]", $"Invalid value: []string{{\"{ip}\"}}: may not change once set"));
                }

                break;
            case "Secret" or "ConfigMap":
                if (JsonValues.Bool(old["immutable"]) == true)
                {
                    foreach (var field in new[] { "data", "binaryData", "stringData" })
                    {
                        if (!JsonNode.DeepEquals(next[field], old[field]))
                        {
                            errors.Add(new FieldError("FieldValueForbidden", field, "Forbidden: field is immutable when `immutable` is set"));
                        }
                    }

                    if (JsonValues.Bool(next["immutable"]) != true)
                    {
                        errors.Add(new FieldError("FieldValueForbidden", "immutable", "Forbidden: field is immutable when `immutable` is set"));
                    }
                }

                break;
            case "PersistentVolumeClaim":
                if (!JsonNode.DeepEquals(WithoutRequests(spec), WithoutRequests(oldSpec)))
                {
                    errors.Add(new FieldError("FieldValueForbidden", "spec",
                        "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
                }

                break;
            case "CustomResourceDefinition":
                errors.AddRange(CustomResourceDefinitions.ValidateUpdate(next, old));
                break;
        }

        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid(type, Metadata.Name(next), errors);
        }
    }

    private static IEnumerable<string> NameErrors(ResourceType type, string name)
    {
        if (type.Group == "rbac.authorization.k8s.io")
        {
            // RBAC objects need only be valid path segments (system:discovery ...).
            if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
            {
                yield return $"may not contain '/' or '%' and may not be '.' or '..'";
            }

            yield break;
        }

        if (type.Kind is "Namespace" && type.Group.Length == 0)
        {
            if (name.Length > 63)
            {
                yield return "must be no more than 63 characters";
            }

            if (!Dns1123Label().IsMatch(name))
            {
                yield return Dns1123LabelMessage;
            }

            yield break;
        }

        if (type.Kind is "Service" && type.Group.Length == 0)
        {
            if (name.Length > 63)
            {
                yield return "must be no more than 63 characters";
            }

            if (!Dns1035Label().IsMatch(name))
            {
                yield return Dns1035LabelMessage;
            }

            yield break;
        }

        if (name.Length > 253)
        {
            yield return "must be no more than 253 characters";
        }

        if (!Dns1123Subdomain().IsMatch(name))
        {
            yield return Dns1123SubdomainMessage;
        }
    }

    private static IEnumerable<FieldError> PodSpec(JsonObject? spec, string path)
    {
        if (spec?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            yield return new FieldError("FieldValueRequired", $"{path}.containers", "Required value");
            yield break;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject;
            var name = JsonValues.String(container?["name"]) ?? "";
            if (name.Length == 0)
            {
                yield return new FieldError("FieldValueRequired", $"{path}.containers[{i}].name", "Required value");
            }
            else if (!Dns1123Label().IsMatch(name) || name.Length > 63)
            {
                yield return new FieldError("FieldValueInvalid", $"{path}.containers[{i}].name", $"Invalid value: \"{name}\": {Dns1123LabelMessage}");
            }

            if (string.IsNullOrEmpty(JsonValues.String(container?["image"])))
            {
                yield return new FieldError("FieldValueRequired", $"{path}.containers[{i}].image", "Required value");
            }
        }

        var restart = JsonValues.String(spec["restartPolicy"]);
        if (restart is not null and not ("Always" or "OnFailure" or "Never"))
        {
            yield return new FieldError("FieldValueNotSupported", $"{path}.restartPolicy",
                $"Unsupported value: \"{restart}\": supported values: \"Always\", \"OnFailure\", \"Never\"");
        }
    }

    private static IEnumerable<FieldError> Job(JsonObject? spec)
    {
        var template = spec?["template"] as JsonObject;
        foreach (var error in PodSpec(template?["spec"] as JsonObject, "spec.template.spec"))
        {
            yield return error;
        }

        if (JsonValues.String(template?["spec"]?["restartPolicy"]) is not ("OnFailure" or "Never"))
        {
            yield return new FieldError("FieldValueRequired", "spec.template.spec.restartPolicy", "Required value: valid values: \"OnFailure\", \"Never\"");
        }

        foreach (var field in new[] { "parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished" })
        {
            if (JsonValues.Long(spec?[field]) is < 0 and var value)
            {
                yield return new FieldError("FieldValueInvalid", $"spec.{field}", $"Invalid value: {value}: must be greater than or equal to 0");
            }
        }
    }

    private static IEnumerable<FieldError> Workload(JsonObject? spec)
    {
        if (spec?["selector"] is not JsonObject selector)
        {
            yield return new FieldError("FieldValueRequired", "spec.selector", "Required value");
            yield break;
        }

        if (selector.Count == 0 || (selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 }))
        {
            yield return new FieldError("FieldValueInvalid", "spec.selector", "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");
        }

        var labels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (!LabelSelector.FromObject(selector).Matches(labels))
        {
            yield return new FieldError("FieldValueInvalid", "spec.template.metadata.labels",
                $"Invalid value: {GoMap(labels)}: `selector` does not match template `labels`");
        }

        foreach (var error in PodSpec(spec["template"]?["spec"] as JsonObject, "spec.template.spec"))
        {
            yield return error;
        }
    }

    private static IEnumerable<FieldError> Service(JsonObject? spec)
    {
        var type = JsonValues.String(spec?["type"]);
        var headless = JsonValues.String(spec?["clusterIP"]) == "None";
        if (type != "ExternalName" && !headless && spec?["ports"] is not JsonArray { Count: > 0 })
        {
            yield return new FieldError("FieldValueRequired", "spec.ports", "Required value");
        }

        if (type is not null and not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            yield return new FieldError("FieldValueNotSupported", "spec.type",
                $"Unsupported value: \"{type}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        }
    }

    private static void Immutable(List<FieldError> errors, string field, JsonNode? now, JsonNode? before)
    {
        if (!JsonNode.DeepEquals(now, before))
        {
            errors.Add(new FieldError("FieldValueInvalid", field, $"Invalid value: {now?.ToJsonString() ?? "null"}: field is immutable"));
        }
    }

    private static JsonNode? MutablePodFieldsCleared(JsonNode? spec)
    {
        if (spec is not JsonObject s)
        {
            return spec;
        }

        var copy = (JsonObject)s.DeepClone();
        copy.Remove("activeDeadlineSeconds");
        copy.Remove("tolerations");
        copy.Remove("terminationGracePeriodSeconds");
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in BuiltInDefaults.Objects(copy[list]))
            {
                container.Remove("image");
            }
        }

        return copy;
    }

    private static JsonNode? WithoutRequests(JsonNode? spec)
    {
        if (spec is not JsonObject s)
        {
            return spec;
        }

        var copy = (JsonObject)s.DeepClone();
        (copy["resources"] as JsonObject)?.Remove("requests");
        copy.Remove("volumeAttributesClassName");
        copy.Remove("volumeName");
        return copy;
    }

    private static string GoMap(JsonObject? labels) =>
        labels is null
            ? "map[string]string(nil)"
            : "map[string]string{" + string.Join(", ", labels.Select(l => $"\"{l.Key}\":\"{JsonValues.Display(l.Value)}\"")) + "}";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();
}
