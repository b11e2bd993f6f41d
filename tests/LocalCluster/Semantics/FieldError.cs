namespace ZkSync.LocalCluster.Semantics;

/// <summary>
/// One field-level validation error, as a metav1 StatusCause carries it: <see cref="Reason"/> is the cause type
/// (FieldValueInvalid, FieldValueRequired, ...), <see cref="Field"/> the path ("spec.sources"), and
/// <see cref="Message"/> the cause message exactly as kube-apiserver writes it (field.Error.ErrorBody():
/// <c>Invalid value: -1: spec.sources in body should be greater than or equal to 1</c>).
/// </summary>
public sealed record FieldError(string Reason, string Field, string Message)
{
    /// <summary>The error as the server's aggregate message lists it: <c>spec.sources: Invalid value: ...</c>.</summary>
    public override string ToString() => $"{Field}: {Message}";
}
