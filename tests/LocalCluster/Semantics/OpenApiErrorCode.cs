namespace ZkSync.LocalCluster.Semantics;

/// <summary>kube-openapi's validation error codes (validation/errors/schema.go); Composite marks its non-field errors.</summary>
internal enum OpenApiErrorCode
{
    Composite = 422,
    InvalidType = 600,
    Required,
    TooLong,
    TooShort,
    Pattern,
    Enum,
    MultipleOf,
    Max,
    Min,
    Unique,
    MaxItems,
    MinItems,
    NoAdditionalItems,
    TooFewProperties,
    TooManyProperties,
    UnallowedProperty,
    FailedAllPatternProps,
    MultipleOfMustBePositive,
}
