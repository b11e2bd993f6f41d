using System.Net;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>One request an operator made, as RBAC sees it (<see cref="Verb"/> on <see cref="Resource"/> of
/// <see cref="ApiGroup"/>, with the subresource after a '/'), and how the server answered (null: no answer).</summary>
public sealed record RecordedRequest(string Method, string Path, string Verb, string ApiGroup, string Resource, string? Namespace, HttpStatusCode? Status)
{
    /// <summary>A non-resource request (discovery, /version).</summary>
    public bool IsResourceRequest => Resource.Length > 0;

    public override string ToString() => $"{Method} {Path} ({Verb} {Resource}{(ApiGroup.Length == 0 ? string.Empty : "." + ApiGroup)}) -> {(int?)Status}";
}
