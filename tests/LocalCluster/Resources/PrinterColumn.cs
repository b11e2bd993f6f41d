namespace ZkSync.LocalCluster.Resources;

/// <summary>One column of a Table: a CRD's additionalPrinterColumn or a built-in kind's column.</summary>
/// <param name="Name">The header (<c>Ready</c>).</param>
/// <param name="Type">OpenAPI type: string, integer, number, boolean, date.</param>
/// <param name="JsonPath">For CRD columns, the JSONPath evaluated against the object; null for built-in columns.</param>
public sealed record PrinterColumn(string Name, string Type, string? JsonPath, string Format = "", string Description = "", int Priority = 0);
