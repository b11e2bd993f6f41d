using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Storage;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>Controller references (metav1.NewControllerRef, metav1.GetControllerOf) on objects' JSON.</summary>
public static class Owners
{
    /// <summary>The reference a controller puts on what it creates: <c>controller</c> and <c>blockOwnerDeletion</c> set.</summary>
    public static JsonObject ControllerReference(JsonObject owner) => new()
    {
        ["apiVersion"] = JsonValues.String(owner["apiVersion"]),
        ["kind"] = JsonValues.String(owner["kind"]),
        ["name"] = Metadata.Name(owner),
        ["uid"] = Metadata.Uid(owner),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>The uid of the object's controller, or null.</summary>
    public static string? ControllerUid(JsonObject obj) =>
        Metadata.OwnerReferences(obj).FirstOrDefault(r => JsonValues.Bool(r["controller"]) == true) is { } reference
            ? JsonValues.String(reference["uid"])
            : null;

    /// <summary>The object's controller reference of the given kind, as (name, uid), or null.</summary>
    public static (string Name, string Uid)? ControllerOf(JsonObject obj, string kind) =>
        Metadata.OwnerReferences(obj).FirstOrDefault(r => JsonValues.Bool(r["controller"]) == true && JsonValues.String(r["kind"]) == kind) is { } reference
            ? (JsonValues.String(reference["name"]) ?? "", JsonValues.String(reference["uid"]) ?? "")
            : null;

    public static bool IsControlledBy(JsonObject obj, JsonObject owner) =>
        Metadata.Uid(owner) is { } uid && ControllerUid(obj) == uid;

    /// <summary>
    /// The queue key of the <paramref name="ownerKind"/> object a change concerns, or null: the object itself when it is
    /// one (<paramref name="ownerStorageKey"/>), or its controller when it is an owned object
    /// (<paramref name="ownedStorageKey"/>) — how a workload controller's informers map changes to keys.
    /// </summary>
    public static string? OwnerKeyOf(StoreEvent change, string ownerStorageKey, string ownedStorageKey, string ownerKind)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.StorageKey == ownerStorageKey)
        {
            return Key(change.Object);
        }

        return change.StorageKey == ownedStorageKey && ControllerOf(change.Object, ownerKind) is { } owner
            ? $"{Metadata.Namespace(change.Object)}/{owner.Name}"
            : null;
    }

    /// <summary>The queue key of an object: <c>namespace/name</c>, or the name of a cluster-scoped one.</summary>
    public static string Key(JsonObject obj) => Metadata.Namespace(obj) is { } ns ? $"{ns}/{Metadata.Name(obj)}" : Metadata.Name(obj);

    /// <summary>Splits a queue key back into namespace and name.</summary>
    public static (string? Namespace, string Name) SplitKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
