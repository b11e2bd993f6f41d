using System.Text;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Controllers;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>The data of Secrets (base64 <c>data</c>, <c>stringData</c> already merged by the server) and ConfigMaps
/// (<c>data</c> as text, <c>binaryData</c> as base64) as bytes per key, read from the store.</summary>
internal sealed class ObjectData
{
    private readonly ObjectStore _store;
    private readonly ClusterTypes _types;

    public ObjectData(ObjectStore store, ClusterTypes types)
    {
        _store = store;
        _types = types;
    }

    /// <summary>A Secret's data by key, or null when the Secret does not exist.</summary>
    public Dictionary<string, byte[]>? Secret(string ns, string name)
    {
        var secret = _store.Get(_types.Secrets.StorageKey, ns, name);
        if (secret is null)
        {
            return null;
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in secret["data"] as JsonObject ?? [])
        {
            data[key] = Decode(value);
        }

        return data;
    }

    /// <summary>A ConfigMap's data and binary data by key, or null when it does not exist.</summary>
    public Dictionary<string, byte[]>? ConfigMap(string ns, string name)
    {
        var map = _store.Get(_types.ConfigMaps.StorageKey, ns, name);
        if (map is null)
        {
            return null;
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in map["data"] as JsonObject ?? [])
        {
            data[key] = Encoding.UTF8.GetBytes(Resources.JsonValues.String(value) ?? "");
        }

        foreach (var (key, value) in map["binaryData"] as JsonObject ?? [])
        {
            data[key] = Decode(value);
        }

        return data;
    }

    private static byte[] Decode(JsonNode? value)
    {
        try
        {
            return Convert.FromBase64String(Resources.JsonValues.String(value) ?? "");
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
