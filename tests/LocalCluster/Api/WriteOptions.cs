namespace ZkSync.LocalCluster.Api;

/// <summary>The query parameters of a create, update or patch, and the warnings the write produced.</summary>
public sealed record WriteOptions
{
    public bool DryRun { get; init; }

    public FieldValidation FieldValidation { get; init; } = FieldValidation.Warn;

    public string? FieldManager { get; init; }

    public bool Force { get; init; }

    /// <summary>Warnings for the client (the HTTP layer sends them as <c>Warning: 299</c> headers).</summary>
    public List<string> Warnings { get; } = [];
}
