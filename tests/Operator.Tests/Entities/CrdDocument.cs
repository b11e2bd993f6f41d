using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace ZkSync.Operator.Tests.Entities;

/// <summary>The CRD in <c>crds/</c>, read as JSON nodes (YAML scalars typed as YAML 1.2 core types).</summary>
internal static class CrdDocument
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string CrdPath => Path.Combine(RepositoryRoot, "crds", "zksync.io_zkrsyncsessions.yaml");

    public static JsonObject Load() => Parse(File.ReadAllText(CrdPath));

    public static JsonObject Parse(string yaml)
    {
        var graph = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(yaml);
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
        return JsonNode.Parse(json)!.AsObject();
    }

    /// <summary><c>spec.versions[0].schema.openAPIV3Schema</c>.</summary>
    public static JsonObject Schema(JsonObject crd) =>
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZkSyncOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ZkSyncOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
