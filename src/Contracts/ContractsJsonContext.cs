using System.Text.Json.Serialization;

namespace ZkSync.Contracts;

/// <summary>Source-generated JSON (NativeAOT-safe) for every document workers and the operator exchange.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(SessionProgress))]
[JsonSerializable(typeof(SessionSummaryDocument))]
[JsonSerializable(typeof(DestinationFault))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
