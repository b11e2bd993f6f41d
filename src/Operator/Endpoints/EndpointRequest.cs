namespace ZkSync.Operator.Endpoints;

/// <summary>What the endpoints read of an HTTP request: its method, its path (no query) and its Accept header.</summary>
public sealed record EndpointRequest(string Method, string Path, string? Accept);
