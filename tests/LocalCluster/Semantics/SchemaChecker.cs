using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// What apiextensions-apiserver refuses in a CRD version's schema: the structural schema rules
/// (apiserver/schema/validation.go and complete.go) and the CRD's own OpenAPI rules
/// (apis/apiextensions/validation/validation.go: unsupported keywords, uniqueItems, list and map types,
/// x-kubernetes-validations fields, defaults that are unpruned or invalid). Paths start at "openAPIV3Schema"; the
/// server puts "spec.versions[i].schema." in front.
/// </summary>
internal static class SchemaChecker
{
    private static readonly string[] OpenApiV3Types = ["array", "boolean", "integer", "number", "object", "string"];
    private static readonly string[] SupportedReasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];
    private static readonly HashSet<string> MetaFields = new(StringComparer.Ordinal) { "apiVersion", "kind", "metadata" };

    private enum Level
    {
        Root,
        Item,
        Field,
    }

    public static List<FieldError> Check(SchemaNode root, string path = "openAPIV3Schema")
    {
        var structural = new List<FieldError>();
        StructuralInvariants(root, Level.Root, path, structural);
        Completeness(root, root, path, path, structural);
        structural.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

        var errors = new List<FieldError>();
        CrdRules(root, path, isRoot: true, insideMeta: false, defaultsForbiddenReason: null, errors);
        if (root.Nullable)
        {
            errors.Add(FieldErrors.Forbidden(path + ".nullable", "nullable cannot be true at the root"));
        }

        errors.AddRange(structural);
        if (errors.Count == 0)
        {
            Defaults(root, root, path, insideMeta: false, errors);
        }

        return errors;
    }

    private static void StructuralInvariants(SchemaNode s, Level level, string path, List<FieldError> errors)
    {
        if (s.Type == "array" && s.Items is null)
        {
            errors.Add(FieldErrors.Required(path + ".items", "must be specified"));
        }

        if (s.Items is not null)
        {
            StructuralInvariants(s.Items, Level.Item, path + ".items", errors);
        }

        foreach (var name in s.PropertyOrder)
        {
            StructuralInvariants(s.Properties![name], Level.Field, FieldErrors.Key(path + ".properties", name), errors);
        }

        if (s.HasAdditionalProperties)
        {
            if (level == Level.Root)
            {
                errors.Add(FieldErrors.Forbidden(path + ".additionalProperties", "must not be used at the root"));
            }

            if (s.AdditionalProperties is not null)
            {
                StructuralInvariants(s.AdditionalProperties, Level.Field, path + ".additionalProperties", errors);
            }
        }

        if (s.XIntOrString && s.XPreserveUnknownFields)
        {
            errors.Add(FieldErrors.Invalid(path + ".x-kubernetes-preserve-unknown-fields", true, "must be false if x-kubernetes-int-or-string is true"));
        }

        if (s.XIntOrString && s.XEmbeddedResource)
        {
            errors.Add(FieldErrors.Invalid(path + ".x-kubernetes-embedded-resource", true, "must be false if x-kubernetes-int-or-string is true"));
        }

        ValueValidation(s, IsIntOrStringAnyOf(s), IsIntOrStringAllOf(s), path, errors);

        var checkMetadata = level == Level.Root || s.XEmbeddedResource;
        if (s.XEmbeddedResource && s.Type != "object")
        {
            errors.Add(string.IsNullOrEmpty(s.Type)
                ? FieldErrors.Required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                : FieldErrors.Invalid(path + ".type", s.Type, "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (string.IsNullOrEmpty(s.Type) && !s.XIntOrString && !s.XPreserveUnknownFields)
        {
            errors.Add(FieldErrors.Required(path + ".type", level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }

        if (s.XEmbeddedResource && s.HasAdditionalProperties)
        {
            errors.Add(FieldErrors.Forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
        }

        if (level == Level.Root && !string.IsNullOrEmpty(s.Type) && s.Type != "object")
        {
            errors.Add(FieldErrors.Invalid(path + ".type", s.Type, "must be object at the root"));
        }

        foreach (var typeField in new[] { "kind", "apiVersion" })
        {
            if (checkMetadata && s.Property(typeField) is { } property && property.Type != "string")
            {
                errors.Add(FieldErrors.Invalid(FieldErrors.Key(path + ".properties", typeField) + ".type", property.Type ?? "", "must be string"));
            }
        }

        if (s.Property("metadata") is { } metadata)
        {
            var metadataPath = FieldErrors.Key(path + ".properties", "metadata");
            if (checkMetadata && metadata.Type != "object")
            {
                errors.Add(FieldErrors.Invalid(metadataPath + ".type", metadata.Type ?? "", "must be object"));
            }

            if (level == Level.Root && !OnlyNameAndGenerateName(metadata))
            {
                errors.Add(FieldErrors.Forbidden(metadataPath, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
            }
        }

        if (s.XEmbeddedResource && !s.XPreserveUnknownFields && (s.Properties is null || s.Properties.Count == 0))
        {
            errors.Add(FieldErrors.Required(path + ".properties", "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    /// <summary>Root metadata may only say it is an object and restrict name and generateName.</summary>
    private static bool OnlyNameAndGenerateName(SchemaNode metadata) =>
        (metadata.Properties is null || metadata.Properties.Keys.All(k => k is "name" or "generateName")) &&
        metadata.Default is null && metadata.Items is null && !metadata.HasAdditionalProperties && !metadata.Nullable &&
        metadata.Description is null && metadata.Title is null && metadata.Format is null && metadata.Enum is null &&
        metadata.Maximum is null && metadata.Minimum is null && metadata.MaxLength is null && metadata.MinLength is null &&
        metadata.Pattern is null && metadata.MaxItems is null && metadata.MinItems is null && !metadata.UniqueItems &&
        metadata.MultipleOf is null && metadata.MaxProperties is null && metadata.MinProperties is null &&
        metadata.Required.Count == 0 && metadata.AllOf.Count == 0 && metadata.AnyOf.Count == 0 && metadata.OneOf.Count == 0 &&
        metadata.Not is null && !metadata.XPreserveUnknownFields && !metadata.XEmbeddedResource && !metadata.XIntOrString &&
        metadata.XListMapKeys.Count == 0 && metadata.XListType is null && metadata.XMapType is null && metadata.XValidations.Count == 0;

    private static bool IsIntOrStringAnyOf(SchemaNode s) =>
        s.AnyOf.Count == 2 && IsOnlyType(s.AnyOf[0], "integer") && IsOnlyType(s.AnyOf[1], "string");

    private static bool IsIntOrStringAllOf(SchemaNode s) =>
        s.AllOf.Count >= 1 && s.AllOf[0].AnyOf.Count == 2 && IsOnlyType(s.AllOf[0].AnyOf[0], "integer") && IsOnlyType(s.AllOf[0].AnyOf[1], "string");

    private static bool IsOnlyType(SchemaNode s, string type) =>
        s.Type == type && s.Format is null && s.Properties is null && s.Items is null && s.AllOf.Count == 0 && s.AnyOf.Count == 0 &&
        s.OneOf.Count == 0 && s.Not is null && s.Enum is null && s.Pattern is null && !s.Nullable && s.Default is null;

    private static void ValueValidation(SchemaNode v, bool skipAnyOf, bool skipFirstAllOfAnyOf, string path, List<FieldError> errors)
    {
        if (!skipAnyOf)
        {
            for (var i = 0; i < v.AnyOf.Count; i++)
            {
                NestedValueValidation(v.AnyOf[i], false, false, $"{path}.anyOf[{i}]", errors);
            }
        }

        for (var i = 0; i < v.AllOf.Count; i++)
        {
            NestedValueValidation(v.AllOf[i], skipFirstAllOfAnyOf && i == 0, false, $"{path}.allOf[{i}]", errors);
        }

        for (var i = 0; i < v.OneOf.Count; i++)
        {
            NestedValueValidation(v.OneOf[i], false, false, $"{path}.oneOf[{i}]", errors);
        }

        if (v.Not is not null)
        {
            NestedValueValidation(v.Not, false, false, path + ".not", errors);
        }

        if (!string.IsNullOrEmpty(v.Pattern) && GoRegex.CompileError(v.Pattern) is { } problem)
        {
            errors.Add(FieldErrors.Invalid(path + ".pattern", v.Pattern, "must be a valid regular expression, but isn't: " + problem));
        }
    }

    private static void NestedValueValidation(SchemaNode v, bool skipAnyOf, bool skipAllOfAnyOf, string path, List<FieldError> errors)
    {
        ValueValidation(v, skipAnyOf, skipAllOfAnyOf, path, errors);
        if (v.Items is not null)
        {
            NestedValueValidation(v.Items, false, false, path + ".items", errors);
        }

        foreach (var name in v.PropertyOrder)
        {
            NestedValueValidation(v.Properties![name], false, false, FieldErrors.Key(path + ".properties", name), errors);
        }

        Forbid(!string.IsNullOrEmpty(v.Type), path + ".type", "must be empty to be structural", errors);
        if (v.HasAdditionalProperties)
        {
            errors.Add(FieldErrors.Forbidden(path + ".additionalProperties", "must be undefined to be structural"));
        }

        Forbid(v.Default is not null, path + ".default", "must be undefined to be structural", errors);
        Forbid(!string.IsNullOrEmpty(v.Title), path + ".title", "must be empty to be structural", errors);
        Forbid(!string.IsNullOrEmpty(v.Description), path + ".description", "must be empty to be structural", errors);
        Forbid(v.Nullable, path + ".nullable", "must be false to be structural", errors);
        Forbid(v.XPreserveUnknownFields, path + ".x-kubernetes-preserve-unknown-fields", "must be false to be structural", errors);
        Forbid(v.XEmbeddedResource, path + ".x-kubernetes-embedded-resource", "must be false to be structural", errors);
        Forbid(v.XIntOrString, path + ".x-kubernetes-int-or-string", "must be false to be structural", errors);
        Forbid(v.XListMapKeys.Count > 0, path + ".x-kubernetes-list-map-keys", "must be empty to be structural", errors);
        Forbid(v.XListType is not null, path + ".x-kubernetes-list-type", "must be undefined to be structural", errors);
        Forbid(v.XMapType is not null, path + ".x-kubernetes-map-type", "must be undefined to be structural", errors);
        Forbid(v.XValidations.Count > 0, path + ".x-kubernetes-validations", "must be empty to be structural", errors);
        Forbid(v.Property("metadata") is not null, FieldErrors.Key(path + ".properties", "metadata"), "must not be specified in a nested context", errors);
    }

    private static void Forbid(bool condition, string path, string detail, List<FieldError> errors)
    {
        if (condition)
        {
            errors.Add(FieldErrors.Forbidden(path, detail));
        }
    }

    /// <summary>
    /// validateValueValidationCompleteness: every property or items a value validation (allOf/anyOf/oneOf/not) names must
    /// exist in the structural schema at the same place. As upstream, this starts from the root's value validations only.
    /// </summary>
    private static void Completeness(SchemaNode v, SchemaNode? s, string sPath, string vPath, List<FieldError> errors)
    {
        if (s is null)
        {
            errors.Add(FieldErrors.Required(sPath, "because it is defined in " + vPath));
            return;
        }

        if (v.Not is not null)
        {
            NestedCompleteness(v.Not, s, sPath, vPath + ".not", errors);
        }

        for (var i = 0; i < v.AllOf.Count; i++)
        {
            NestedCompleteness(v.AllOf[i], s, sPath, $"{vPath}.allOf[{i}]", errors);
        }

        for (var i = 0; i < v.AnyOf.Count; i++)
        {
            NestedCompleteness(v.AnyOf[i], s, sPath, $"{vPath}.anyOf[{i}]", errors);
        }

        for (var i = 0; i < v.OneOf.Count; i++)
        {
            NestedCompleteness(v.OneOf[i], s, sPath, $"{vPath}.oneOf[{i}]", errors);
        }
    }

    private static void NestedCompleteness(SchemaNode v, SchemaNode? s, string sPath, string vPath, List<FieldError> errors)
    {
        if (s is null)
        {
            errors.Add(FieldErrors.Required(sPath, "because it is defined in " + vPath));
            return;
        }

        Completeness(v, s, sPath, vPath, errors);
        if (v.Items is not null)
        {
            NestedCompleteness(v.Items, s.Items, sPath + ".items", vPath + ".items", errors);
        }

        foreach (var name in v.PropertyOrder)
        {
            var structuralPath = FieldErrors.Key(sPath + ".properties", name);
            var nestedPath = FieldErrors.Key(vPath + ".properties", name);
            if (s.Property(name) is { } property)
            {
                NestedCompleteness(v.Properties![name], property, structuralPath, nestedPath, errors);
            }
            else
            {
                errors.Add(FieldErrors.Required(structuralPath, "because it is defined in " + nestedPath));
            }
        }
    }

    /// <summary>ValidateCustomResourceDefinitionOpenAPISchema (the parts that concern the schema alone).</summary>
    private static void CrdRules(SchemaNode s, string path, bool isRoot, bool insideMeta, string? defaultsForbiddenReason, List<FieldError> errors)
    {
        if (!string.IsNullOrEmpty(s.Type) && !OpenApiV3Types.Contains(s.Type))
        {
            errors.Add(s.Type == "null"
                ? FieldErrors.Forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative")
                : FieldErrors.NotSupported(path + ".type", s.Type, OpenApiV3Types));
        }

        if (s.Default is not null && defaultsForbiddenReason is not null)
        {
            errors.Add(FieldErrors.Forbidden(path + ".default", "must not be set " + defaultsForbiddenReason));
        }

        foreach (var keyword in s.UnsupportedKeywords)
        {
            errors.Add(FieldErrors.Forbidden(path + "." + keyword, keyword + " is not supported"));
        }

        Forbid(s.ItemsIsArray, path + ".items", "items must be a schema object and not an array", errors);
        Forbid(insideMeta && s.XEmbeddedResource, path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta", errors);
        Forbid(s.UniqueItems, path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic", errors);
        if (s.HasAdditionalProperties && s.Properties is { Count: > 0 } && (s.AdditionalPropertiesAllowed != true || s.AdditionalProperties is not null))
        {
            errors.Add(FieldErrors.Forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
        }

        if (s.AdditionalProperties is not null)
        {
            CrdRules(s.AdditionalProperties, path + ".additionalProperties", false, insideMeta,
                insideMeta ? "inside additionalProperties applying to object metadata" : defaultsForbiddenReason, errors);
        }

        foreach (var name in s.PropertyOrder)
        {
            var childInsideMeta = insideMeta || ((isRoot || s.XEmbeddedResource) && MetaFields.Contains(name));
            var childReason = isRoot && MetaFields.Contains(name) ? "in top-level " + name : defaultsForbiddenReason;
            CrdRules(s.Properties![name], FieldErrors.Key(path + ".properties", name), false, childInsideMeta, childReason, errors);
        }

        if (s.Not is not null)
        {
            CrdRules(s.Not, path + ".not", false, insideMeta, defaultsForbiddenReason, errors);
        }

        for (var i = 0; i < s.AllOf.Count; i++)
        {
            CrdRules(s.AllOf[i], $"{path}.allOf[{i}]", false, insideMeta, defaultsForbiddenReason, errors);
        }

        for (var i = 0; i < s.OneOf.Count; i++)
        {
            CrdRules(s.OneOf[i], $"{path}.oneOf[{i}]", false, insideMeta, defaultsForbiddenReason, errors);
        }

        for (var i = 0; i < s.AnyOf.Count; i++)
        {
            CrdRules(s.AnyOf[i], $"{path}.anyOf[{i}]", false, insideMeta, defaultsForbiddenReason, errors);
        }

        if (s.Items is not null)
        {
            CrdRules(s.Items, path + ".items", false, insideMeta, defaultsForbiddenReason, errors);
        }

        if (s.XPreserveUnknownFieldsIsFalse)
        {
            errors.Add(FieldErrors.Invalid(path + ".x-kubernetes-preserve-unknown-fields", false, "must be true or undefined"));
        }

        ListAndMapTypes(s, path, errors);
        ValidationRules(s, path, errors);
    }

    private static void ListAndMapTypes(SchemaNode s, string path, List<FieldError> errors)
    {
        if (s.XMapType is not null && s.Type != "object")
        {
            errors.Add(string.IsNullOrEmpty(s.Type)
                ? FieldErrors.Required(path + ".type", "must be object if x-kubernetes-map-type is specified")
                : FieldErrors.Invalid(path + ".type", s.Type, "must be object if x-kubernetes-map-type is specified"));
        }

        if (s.XMapType is not null and not "atomic" and not "granular")
        {
            errors.Add(FieldErrors.NotSupported(path + ".x-kubernetes-map-type", s.XMapType, ["atomic", "granular"]));
        }

        if (s.XListType is not null && s.Type != "array")
        {
            errors.Add(string.IsNullOrEmpty(s.Type)
                ? FieldErrors.Required(path + ".type", "must be array if x-kubernetes-list-type is specified")
                : FieldErrors.Invalid(path + ".type", s.Type, "must be array if x-kubernetes-list-type is specified"));
        }
        else if (s.XListType == "set" && s.Items is { } setItems)
        {
            if (setItems.Type == "array" && setItems.XListType is not null and not "atomic")
            {
                errors.Add(FieldErrors.Invalid(path + ".items.x-kubernetes-list-type", setItems.XListType, "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }

            if (setItems.Type == "object" && setItems.XMapType != "atomic")
            {
                errors.Add(FieldErrors.Invalid(path + ".items.x-kubernetes-map-type", setItems.XListType, "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }
        }

        if (s.XListType is not null and not "atomic" and not "set" and not "map")
        {
            errors.Add(FieldErrors.NotSupported(path + ".x-kubernetes-list-type", s.XListType, ["atomic", "set", "map"]));
        }

        if (s.XListMapKeys.Count > 0 && s.XListType != "map")
        {
            errors.Add(s.XListType is null
                ? FieldErrors.Required(path + ".x-kubernetes-list-type", "must be map if x-kubernetes-list-map-keys is non-empty")
                : FieldErrors.Invalid(path + ".x-kubernetes-list-type", s.XListType, "must be map if x-kubernetes-list-map-keys is non-empty"));
        }

        if (s.XListType == "map")
        {
            if (s.XListMapKeys.Count == 0)
            {
                errors.Add(FieldErrors.Required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
            }

            if (s.Items is null)
            {
                errors.Add(FieldErrors.Required(path + ".items", "must have a schema if x-kubernetes-list-type is map"));
            }
            else if (s.Items.Type != "object")
            {
                errors.Add(FieldErrors.Invalid(path + ".items.type", s.Items.Type ?? "", "must be object if parent array's x-kubernetes-list-type is map"));
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var key in s.XListMapKeys)
                {
                    if (s.Items.Property(key) is { } keySchema)
                    {
                        if (keySchema.Type is "array" or "object")
                        {
                            errors.Add(FieldErrors.Invalid(FieldErrors.Key(path + ".items.properties", key) + ".type", s.Items.Type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                        }
                    }
                    else
                    {
                        errors.Add(FieldErrors.Invalid(path + ".x-kubernetes-list-map-keys", KeysValue(s.XListMapKeys), "entries must all be names of item properties"));
                    }

                    if (!seen.Add(key))
                    {
                        errors.Add(FieldErrors.Invalid(path + ".x-kubernetes-list-map-keys", KeysValue(s.XListMapKeys), "must not contain duplicate entries"));
                    }
                }
            }
        }

        if (s.XListType is "set" or "map" && s.Items is { } items)
        {
            Forbid(items.Nullable, path + ".items.nullable", "cannot be nullable when x-kubernetes-list-type is " + s.XListType, errors);
            if (s.XListType == "map")
            {
                foreach (var key in s.XListMapKeys)
                {
                    if (items.Property(key) is not { } keySchema)
                    {
                        continue;
                    }

                    if (!items.Required.Contains(key) && keySchema.Default is null)
                    {
                        errors.Add(FieldErrors.Required(FieldErrors.Key(path + ".items.properties", key) + ".default",
                            "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
                    }

                    Forbid(keySchema.Nullable, FieldErrors.Key(path + ".items.properties", key) + ".nullable",
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable", errors);
                }
            }
        }
    }

    /// <summary>Go's %#v of a []string, as the server prints x-kubernetes-list-map-keys.</summary>
    private static object KeysValue(IReadOnlyList<string> keys) => new JsonArray(keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());

    private static void ValidationRules(SchemaNode s, string path, List<FieldError> errors)
    {
        for (var i = 0; i < s.XValidations.Count; i++)
        {
            var rule = s.XValidations[i];
            var rulePath = $"{path}.x-kubernetes-validations[{i}]";
            var trimmedRule = rule.Rule.Trim();
            var trimmedMessage = (rule.Message ?? "").Trim();
            if (trimmedRule.Length == 0)
            {
                errors.Add(FieldErrors.Required(rulePath + ".rule", "rule is not specified"));
            }
            else if (!string.IsNullOrEmpty(rule.Message) && trimmedMessage.Length == 0)
            {
                errors.Add(FieldErrors.Invalid(rulePath + ".message", rule.Message, "message must be non-empty if specified"));
            }
            else if (HasNewlines(trimmedMessage))
            {
                errors.Add(FieldErrors.Invalid(rulePath + ".message", rule.Message, "message must not contain line breaks"));
            }
            else if (HasNewlines(trimmedRule) && trimmedMessage.Length == 0)
            {
                errors.Add(FieldErrors.Required(rulePath + ".message", "message must be specified if rule contains line breaks"));
            }

            if (!string.IsNullOrEmpty(rule.MessageExpression) && rule.MessageExpression.Trim().Length == 0)
            {
                errors.Add(FieldErrors.Required(rulePath + ".messageExpression", "messageExpression must be non-empty if specified"));
            }

            if (rule.Reason is not null && !SupportedReasons.Contains(rule.Reason))
            {
                errors.Add(FieldErrors.NotSupported(rulePath + ".reason", rule.Reason, SupportedReasons));
            }

            if (rule.FieldPath is { Length: > 0 } fieldPath)
            {
                if (fieldPath.Trim().Length == 0)
                {
                    errors.Add(FieldErrors.Invalid(rulePath + ".fieldPath", fieldPath, "fieldPath must be non-empty if specified"));
                }

                if (HasNewlines(fieldPath))
                {
                    errors.Add(FieldErrors.Invalid(rulePath + ".fieldPath", fieldPath, "fieldPath must not contain line breaks"));
                }

                if (RuleFieldPath.Resolve(fieldPath, s) is null)
                {
                    errors.Add(FieldErrors.Invalid(rulePath + ".fieldPath", fieldPath, "fieldPath must be a valid path"));
                }
            }
        }
    }

    private static bool HasNewlines(string text) => text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal);

    /// <summary>defaulting/validation.go: every default must be pruned already and valid against its own schema.</summary>
    private static void Defaults(SchemaNode s, SchemaNode root, string path, bool insideMeta, List<FieldError> errors)
    {
        if (s.Default is { } defaultValue && !insideMeta)
        {
            var defaultPath = path + ".default";
            var pruned = defaultValue.DeepClone();
            SchemaPruner.PruneValue(pruned, s);

            if (!JsonEquality.DeepEquals(pruned, defaultValue))
            {
                errors.Add(FieldErrors.Invalid(defaultPath, defaultValue, "must not have unknown fields"));
            }

            var valueErrors = OpenApiValidator.Validate(defaultValue, s, defaultPath);
            errors.AddRange(valueErrors);
        }

        if (s.Items is not null)
        {
            Defaults(s.Items, root, path + ".items", insideMeta, errors);
        }

        foreach (var name in s.PropertyOrder)
        {
            var childInsideMeta = insideMeta || ((ReferenceEquals(s, root) || s.XEmbeddedResource) && MetaFields.Contains(name));
            Defaults(s.Properties![name], root, FieldErrors.Key(path + ".properties", name), childInsideMeta, errors);
        }
    }
}
