using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Resources;

/// <summary>
/// One resource the server serves at one group/version: what discovery lists for it and how the
/// server treats its objects. Every served version of a CRD is one ResourceType; they share storage
/// (<see cref="StorageKey"/>), as the real server stores every version of a resource once.
/// </summary>
public sealed record ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>The plural, lower-case resource name used in paths (<c>pods</c>).</summary>
    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public string ListKind => Kind + "List";

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Subresources served (<c>status</c>, <c>log</c>, <c>token</c>, <c>binding</c>, <c>scale</c>, <c>eviction</c>).</summary>
    public IReadOnlySet<string> Subresources { get; init; } = new HashSet<string>();

    /// <summary>Verbs discovery lists; a resource with only <c>create</c> (reviews) is not stored.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;

    /// <summary>Whether <c>metadata.generation</c> is kept (bumped on changes outside metadata and status).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>Whether DELETE answers with the object (true) or with a Success Status (false).</summary>
    public bool DeleteReturnsObject { get; init; }

    /// <summary>The KubernetesClient model type of a built-in kind (strict field validation, strategic merge patch).</summary>
    public Type? ModelType { get; init; }

    /// <summary>For a custom resource: its CRD version's schema, printer columns and subresources.</summary>
    public CustomResourceVersion? Custom { get; init; }

    /// <summary>Whether this version is the one objects are stored in (always true for built-ins).</summary>
    public bool IsStorageVersion { get; init; } = true;

    public bool HasStatus => Subresources.Contains("status");

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>pods</c>, <c>deployments.apps</c>: how errors name the resource.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary><c>Pod</c>, <c>Deployment.apps</c>: how Invalid errors name the kind.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>Storage is per group and resource, shared by every version.</summary>
    public string StorageKey => GroupResource;

    /// <summary>The URL prefix of the group version: <c>/api/v1</c> or <c>/apis/apps/v1</c>.</summary>
    public string PathPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public bool IsStored => Verbs.Contains("get");

    public static readonly IReadOnlyList<string> StandardVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly IReadOnlyList<string> CreateOnlyVerbs = ["create"];
}
