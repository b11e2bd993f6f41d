namespace ZkSync.Operator.Runtime;

/// <summary>A LIST's items and the resourceVersion to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);
