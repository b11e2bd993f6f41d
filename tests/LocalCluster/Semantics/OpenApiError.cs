namespace ZkSync.LocalCluster.Semantics;

/// <summary>One kube-openapi validation error: its code, the path it names ("spec.sources"), the bad value and its message.</summary>
internal sealed record OpenApiError(OpenApiErrorCode Code, string Name, object? Value, long? Valid, IReadOnlyList<object?>? Values, string Message)
{
    public static OpenApiError Composite(string message) => new(OpenApiErrorCode.Composite, "", null, null, null, message);
}
