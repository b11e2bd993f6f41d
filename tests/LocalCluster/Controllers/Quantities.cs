using System.Text.Json.Nodes;
using k8s.Models;
using ZkSync.LocalCluster.Resources;

namespace ZkSync.LocalCluster.Controllers;

/// <summary>Resource quantities (<c>500m</c>, <c>1Gi</c>) read from JSON as numbers.</summary>
public static class Quantities
{
    /// <summary>The quantity's value, or null when absent or not a quantity.</summary>
    public static decimal? Parse(JsonNode? node)
    {
        var text = node switch
        {
            JsonValue value when JsonValues.String(value) is { } s => s,
            JsonValue value => value.ToJsonString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return new ResourceQuantity(text).ToDecimal();
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
