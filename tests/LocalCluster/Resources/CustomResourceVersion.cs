using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Semantics;

namespace ZkSync.LocalCluster.Resources;

/// <summary>What a CRD says about one of its served versions.</summary>
/// <param name="Schema">The structural schema, or null when the version has none (everything preserved).</param>
/// <param name="PrinterColumns">The version's <c>additionalPrinterColumns</c>, Age when none are given.</param>
/// <param name="CrdName">The CRD's name (<c>plural.group</c>).</param>
public sealed record CustomResourceVersion(
    CustomResourceSchema? Schema,
    IReadOnlyList<PrinterColumn> PrinterColumns,
    string CrdName,
    JsonObject? ScaleSubresource);
