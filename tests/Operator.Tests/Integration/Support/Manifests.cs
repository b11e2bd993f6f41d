using k8s.Models;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>The YAML users apply (kubectl apply -f), and the claims a session's volumes name.</summary>
internal static class Manifests
{
    /// <summary>A session syncing claim <c>old-data</c> into <c>new-data</c>; <paramref name="spec"/> adds spec fields
    /// (YAML lines indented by two spaces).</summary>
    public static string Session(string name, string spec = "", string source = "{claimName: old-data}", string destination = "{claimName: new-data}") => $"""
        apiVersion: zksync.io/v1alpha1
        kind: ZkRsyncSession
        metadata:
          name: {name}
        spec:
          source: {source}
          destination: {destination}

        """ + spec;

    /// <summary>An inline NFS volume (<c>spec.source</c>/<c>spec.destination</c> without a claim).</summary>
    public static string Nfs(string path) => $"{{volume: {{nfs: {{server: nfs.example, path: {path}}}}}}}";

    /// <summary>A bound claim with the given access mode.</summary>
    public static V1PersistentVolumeClaim Claim(string name, string accessMode) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = [accessMode],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };
}
