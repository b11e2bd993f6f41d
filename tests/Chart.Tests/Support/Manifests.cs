using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ZkSync.LocalCluster.Http;

namespace ZkSync.Chart.Tests.Support;

/// <summary>Kubernetes objects read from multi-document YAML (helm template's output, a file of examples).</summary>
public sealed partial class Manifests
{
    private Manifests(string yaml, IReadOnlyList<JsonObject> objects)
    {
        Yaml = yaml;
        Objects = objects;
    }

    /// <summary>The YAML as read (what kubectl is given).</summary>
    public string Yaml { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Every non-empty document, typed as the API server types YAML (sigs.k8s.io/yaml).</summary>
    public static Manifests Parse(string yaml)
    {
        var objects = DocumentSeparator().Split(yaml)
            .Select(RequestBodies.FromYaml)
            .OfType<JsonObject>()
            .ToList();
        return new Manifests(yaml, objects);
    }

    public static Manifests Load(string path) => Parse(File.ReadAllText(path));

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kind(o) == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Name(o) == name)
        ?? throw new InvalidOperationException($"no {kind} {name} among: {string.Join(", ", Objects.Select(o => $"{Kind(o)}/{Name(o)}"))}");

    public static string Kind(JsonObject obj) => (string?)obj["kind"] ?? "";

    public static string Name(JsonObject obj) => (string?)obj["metadata"]?["name"] ?? "";

    public static string? Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    /// <summary>The pod template's spec of a Deployment or StatefulSet.</summary>
    public static JsonObject PodSpec(JsonObject workload) => workload["spec"]!["template"]!["spec"]!.AsObject();

    public static JsonObject Container(JsonObject workload, string name) =>
        PodSpec(workload)["containers"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["name"] == name);

    /// <summary>A container's environment variables with a plain value (name to value).</summary>
    public static Dictionary<string, string> Environment(JsonObject container) =>
        (container["env"]?.AsArray() ?? [])
            .Select(e => e!.AsObject())
            .Where(e => e["value"] is not null)
            .ToDictionary(e => (string)e["name"]!, e => (string)e["value"]!, StringComparer.Ordinal);

    [GeneratedRegex(@"^---[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
