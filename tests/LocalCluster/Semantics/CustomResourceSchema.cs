using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics.Cel;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// A CRD version's structural schema with what apiextensions-apiserver does with it: defaulting, pruning, strict
/// field detection and validation (OpenAPI value validation, list types and x-kubernetes-validations CEL rules).
/// Differences from the real server: patterns and CEL matches() run on .NET's regular expression engine with RE2's
/// semantics approximated (<see cref="GoRegex"/>); CEL rules have no cost estimation or limits; where CEL and the
/// Cel package part ways, <see cref="KubernetesCelEnvironment"/> says how.
/// </summary>
public sealed class CustomResourceSchema
{
    private const string ValidationRulesNotChecked =
        "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    private static readonly HashSet<string> BlockingReasons = new(StringComparer.Ordinal)
    {
        "FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid",
    };

    private readonly SchemaNode _root;
    private readonly CelValidator _cel;

    private CustomResourceSchema(SchemaNode root, CelValidator cel)
    {
        _root = root;
        _cel = cel;
    }

    /// <summary>
    /// Reads a CRD version's <c>schema.openAPIV3Schema</c>. Throws <see cref="SchemaException"/> (with the field errors,
    /// paths from "openAPIV3Schema") when the server would refuse it: not structural, a keyword or extension a CRD may
    /// not use, an invalid default, or a validation rule that does not compile.
    /// </summary>
    public static CustomResourceSchema FromOpenApiV3(JsonObject openApiV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        const string path = "openAPIV3Schema";
        var root = SchemaParser.Parse(openApiV3Schema, path);
        var errors = SchemaChecker.Check(root, path);
        var celErrors = new List<FieldError>();
        var rules = CelRuleCompiler.CompileAll(root, path, celErrors);
        if (errors.Count == 0)
        {
            errors.AddRange(celErrors);
        }

        var cel = new CelValidator(rules, root);
        if (errors.Count == 0)
        {
            errors.AddRange(DefaultRuleErrors(root, root, path, cel, insideMeta: false));
        }

        if (errors.Count > 0)
        {
            throw new SchemaException("invalid schema: " + string.Join(", ", errors), errors);
        }

        return new CustomResourceSchema(root, cel);
    }

    /// <summary>Fills in schema defaults for missing fields (and nulls the schema does not allow), at every depth.</summary>
    public void ApplyDefaults(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        SchemaDefaulter.Default(obj, _root);
    }

    /// <summary>
    /// Drops the fields the schema does not specify (unless x-kubernetes-preserve-unknown-fields keeps them; apiVersion,
    /// kind and metadata stay, metadata cut down to ObjectMeta's fields), then the nulls the schema neither allows nor
    /// defaults, as the server does when it decodes a custom resource.
    /// </summary>
    public void Prune(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        SchemaPruner.PruneResource(obj, _root, remove: true);
        SchemaDefaulter.PruneNonNullableNullsWithoutDefaults(obj, _root);
    }

    /// <summary>
    /// What <see cref="Prune"/> would drop as unknown, as ".spec.foo" (metadata's first, then the others sorted, as the
    /// server lists them); the server's strict decoding error names each without the leading dot:
    /// <c>unknown field "spec.foo"</c>.
    /// </summary>
    public IReadOnlyList<string> UnknownFields(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return SchemaPruner.PruneResource(obj, _root, remove: false).Select(p => "." + p).ToList();
    }

    /// <summary>
    /// Validates a pruned and defaulted custom resource as the server's customResourceStrategy does: OpenAPI value
    /// validation, embedded resources' type and metadata, list-type uniqueness, then the CEL rules (not run when an
    /// earlier error makes the object unfit for them, which one more error says). On an update
    /// (<paramref name="oldObj"/> given) transition rules run, and errors in values that did not change are dropped
    /// (ratcheting). The object's own metadata (name format, namespace ...) is not checked here.
    /// </summary>
    public IReadOnlyList<FieldError> Validate(JsonObject obj, JsonObject? oldObj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = OpenApiValidator.Validate(obj, _root, null, oldObj is null ? null : new OldValue(oldObj));
        errors.AddRange(EmbeddedResources.Validate(obj, _root));
        if (oldObj is null || ListTypeValidator.Validate(oldObj, _root).Count == 0)
        {
            errors.AddRange(ListTypeValidator.Validate(obj, _root));
        }

        AddCelErrors(errors, obj, oldObj, ratchet: true);
        return errors;
    }

    /// <summary>
    /// Validates an update through the status subresource as the server's statusStrategy does: status alone against
    /// the status schema (its messages name fields from status down: "phase in body ..."; no ratcheting), list-type
    /// uniqueness of the whole object when the old one had none broken, then every CEL rule of the whole object, not
    /// ratcheted either.
    /// </summary>
    public IReadOnlyList<FieldError> ValidateStatusUpdate(JsonObject obj, JsonObject oldObj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(oldObj);
        var errors = obj.TryGetPropertyValue("status", out var status) && _root.Property("status") is { } statusSchema
            ? OpenApiValidator.Validate(status, statusSchema, "status")
            : [];
        if (ListTypeValidator.Validate(oldObj, _root).Count == 0)
        {
            errors.AddRange(ListTypeValidator.Validate(obj, _root));
        }

        AddCelErrors(errors, obj, oldObj, ratchet: false);
        return errors;
    }

    private void AddCelErrors(List<FieldError> errors, JsonObject obj, JsonObject? oldObj, bool ratchet)
    {
        if (_cel.IsEmpty)
        {
            return;
        }

        if (errors.Exists(e => BlockingReasons.Contains(e.Reason)))
        {
            errors.Add(FieldErrors.Invalid(FieldErrors.NilPath, null, ValidationRulesNotChecked));
        }
        else
        {
            errors.AddRange(_cel.Validate(obj, oldObj, _root, ratchet));
        }
    }

    /// <summary>defaulting/validation.go: a default must also pass the CEL rules of its node, as new and as an update of itself.</summary>
    private static List<FieldError> DefaultRuleErrors(SchemaNode node, SchemaNode root, string path, CelValidator cel, bool insideMeta)
    {
        var errors = new List<FieldError>();
        if (node.Default is { } defaultValue && !insideMeta)
        {
            var isResourceRoot = ReferenceEquals(node, root) || node.XEmbeddedResource;
            var ruleErrors = cel.ValidateValue(path + ".default", defaultValue, new OldValue(defaultValue), node, isResourceRoot);
            if (ruleErrors.Count == 0)
            {
                ruleErrors = cel.ValidateValue(path + ".default", defaultValue, null, node, isResourceRoot);
            }

            errors.AddRange(ruleErrors);
        }

        if (node.Items is not null)
        {
            errors.AddRange(DefaultRuleErrors(node.Items, root, path + ".items", cel, insideMeta));
        }

        foreach (var name in node.PropertyOrder)
        {
            var childInsideMeta = insideMeta || ((ReferenceEquals(node, root) || node.XEmbeddedResource) && name is "metadata" or "apiVersion" or "kind");
            errors.AddRange(DefaultRuleErrors(node.Properties![name], root, FieldErrors.Key(path + ".properties", name), cel, childInsideMeta));
        }

        return errors;
    }
}
