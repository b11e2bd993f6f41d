using System.Globalization;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Http;

/// <summary>
/// Builds the <c>meta.k8s.io/v1 Table</c> that <c>kubectl get</c> asks for: a CRD's
/// additionalPrinterColumns (JSONPath evaluated, dates as ages) or the columns a real server prints
/// for the built-in kinds, with Name first and each row's object as PartialObjectMetadata.
/// </summary>
public sealed class TableConverter
{
    private readonly TimeProvider _time;

    public TableConverter(TimeProvider time) => _time = time;

    /// <summary>A Table of the objects; <paramref name="includeObject"/> is None, Metadata (default) or Object.</summary>
    public JsonObject Convert(ResourceType type, IEnumerable<JsonObject> objects, JsonObject listMetadata, string includeObject, bool withColumnDefinitions = true)
    {
        var columns = Columns(type);
        var definitions = new JsonArray();
        if (withColumnDefinitions)
        {
            foreach (var column in columns)
            {
                definitions.Add(new JsonObject
                {
                    ["name"] = column.Name,
                    ["type"] = column.Type,
                    ["format"] = column.Format,
                    ["description"] = column.Description,
                    ["priority"] = column.Priority,
                });
            }
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns)
            {
                cells.Add(Cell(type, column, obj));
            }

            var row = new JsonObject { ["cells"] = cells };
            row["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                },
            };
            if (includeObject == "None")
            {
                row.Remove("object");
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata.DeepClone(),
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static List<PrinterColumn> Columns(ResourceType type)
    {
        var name = new PrinterColumn("Name", "string", null, "name", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names");
        if (type.Custom is { } custom)
        {
            return [name, .. custom.PrinterColumns];
        }

        return [name, .. BuiltInColumns.For(type.Kind)];
    }

    private JsonNode? Cell(ResourceType type, PrinterColumn column, JsonObject obj)
    {
        if (column.Format == "name" && column.JsonPath is null)
        {
            return Metadata.Name(obj);
        }

        if (column.JsonPath is null)
        {
            return BuiltInColumns.Cell(type.Kind, column.Name, obj, _time.GetUtcNow());
        }

        IReadOnlyList<JsonNode?> values;
        try
        {
            values = JsonPathTemplate.Evaluate(obj, column.JsonPath);
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (values.Count == 0 || values[0] is null)
        {
            return null;
        }

        var value = values.Count == 1 ? values[0]! : new JsonArray(values.Select(v => v?.DeepClone()).ToArray());
        if (column.Type == "date")
        {
            return Metadata.ParseTimestamp(value) is { } time ? HumanDuration.Format(_time.GetUtcNow() - time) : JsonValues.Display(value);
        }

        return column.Type switch
        {
            "integer" when JsonValues.Long(value) is { } l => l,
            "number" when value is JsonValue v && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            "boolean" when JsonValues.Bool(value) is { } b => b,
            "string" => JsonValues.Display(value),
            _ => value.DeepClone(),
        };
    }
}
