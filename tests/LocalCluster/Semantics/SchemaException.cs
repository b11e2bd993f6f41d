namespace ZkSync.LocalCluster.Semantics;

/// <summary>A CRD version's schema that the real apiextensions-apiserver would refuse (not structural, or a rule it forbids).</summary>
public sealed class SchemaException : Exception
{
    public SchemaException()
        : this("invalid schema")
    {
    }

    public SchemaException(string message)
        : this(message, [])
    {
    }

    public SchemaException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    public SchemaException(string message, IReadOnlyList<FieldError> errors)
        : base(message) => Errors = errors;

    /// <summary>The field errors, with paths relative to the version's schema ("openAPIV3Schema.properties[spec].type").</summary>
    public IReadOnlyList<FieldError> Errors { get; }
}
