using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// One node of a CRD version's OpenAPI v3 schema (apiextensions JSONSchemaProps). The same shape serves the structural
/// spine (properties, items, additionalProperties) and the value validations nested under allOf/anyOf/oneOf/not, which
/// a structural schema may not type.
/// </summary>
internal sealed class SchemaNode
{
    public string? Type { get; init; }

    public string? Format { get; init; }

    public string? Description { get; init; }

    public string? Title { get; init; }

    public bool Nullable { get; init; }

    /// <summary>The default, or null when there is none (a JSON null default is not allowed in a CRD either).</summary>
    public JsonNode? Default { get; init; }

    public double? Maximum { get; init; }

    public bool ExclusiveMaximum { get; init; }

    public double? Minimum { get; init; }

    public bool ExclusiveMinimum { get; init; }

    public long? MaxLength { get; init; }

    public long? MinLength { get; init; }

    public string? Pattern { get; init; }

    public long? MaxItems { get; init; }

    public long? MinItems { get; init; }

    public bool UniqueItems { get; init; }

    public double? MultipleOf { get; init; }

    public IReadOnlyList<JsonNode?>? Enum { get; init; }

    public long? MaxProperties { get; init; }

    public long? MinProperties { get; init; }

    public IReadOnlyList<string> Required { get; init; } = [];

    public IReadOnlyList<SchemaNode> AllOf { get; init; } = [];

    public IReadOnlyList<SchemaNode> OneOf { get; init; } = [];

    public IReadOnlyList<SchemaNode> AnyOf { get; init; } = [];

    public SchemaNode? Not { get; init; }

    /// <summary>The declared properties in schema order, or null when the schema declares none.</summary>
    public IReadOnlyDictionary<string, SchemaNode>? Properties { get; init; }

    /// <summary>The order <see cref="Properties"/> were declared in (dictionaries do not promise one).</summary>
    public IReadOnlyList<string> PropertyOrder { get; init; } = [];

    public SchemaNode? Items { get; init; }

    /// <summary>additionalProperties as a schema; see also <see cref="AdditionalPropertiesAllowed"/> for the boolean form.</summary>
    public SchemaNode? AdditionalProperties { get; init; }

    /// <summary>additionalProperties given as a boolean (true or false), or null when given as a schema or not at all.</summary>
    public bool? AdditionalPropertiesAllowed { get; init; }

    public bool HasAdditionalProperties => AdditionalProperties is not null || AdditionalPropertiesAllowed is not null;

    public bool XPreserveUnknownFields { get; init; }

    /// <summary>Whether x-kubernetes-preserve-unknown-fields was written as false, which a CRD may not do.</summary>
    public bool XPreserveUnknownFieldsIsFalse { get; init; }

    public bool XEmbeddedResource { get; init; }

    public bool XIntOrString { get; init; }

    public IReadOnlyList<string> XListMapKeys { get; init; } = [];

    public string? XListType { get; init; }

    public string? XMapType { get; init; }

    public IReadOnlyList<ValidationRule> XValidations { get; init; } = [];

    /// <summary>Keywords a CRD schema may not use at all (id, $ref, patternProperties ...), for the structural check.</summary>
    public IReadOnlyList<string> UnsupportedKeywords { get; init; } = [];

    /// <summary>Whether items was given as an array of schemas (tuple validation), which a CRD may not use.</summary>
    public bool ItemsIsArray { get; init; }

    public SchemaNode? Property(string name) =>
        Properties is not null && Properties.TryGetValue(name, out var property) ? property : null;
}
