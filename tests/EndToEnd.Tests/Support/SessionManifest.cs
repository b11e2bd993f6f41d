using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>Sessions derived from the examples users start from: an example's document as JSON, to change a few
/// fields of and apply with kubectl.</summary>
public static class SessionManifest
{
    public static string BasicPath => Path.Combine(Repository.Examples, "basic.yaml");

    /// <summary>examples/basic.yaml's session named <paramref name="name"/>, with its spec changed by <paramref name="change"/>.</summary>
    public static string FromBasic(string name, Action<JsonObject>? change = null)
    {
        var yaml = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(BasicPath));
        var session = (JsonObject)ToJson(yaml)!;
        session["metadata"]!["name"] = name;
        change?.Invoke(session["spec"]!.AsObject());
        return session.ToJsonString();
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(e => KeyValuePair.Create((string)e.Key, ToJson(e.Value)))),
        IList<object> list => new JsonArray([.. list.Select(ToJson)]),
        string text when long.TryParse(text, out var number) => JsonValue.Create(number),
        string text when text is "true" or "false" => JsonValue.Create(text == "true"),
        string text => JsonValue.Create(text),
        _ => throw new InvalidOperationException($"unexpected YAML value {value}"),
    };
}
