namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>
/// The value bound to a namespace identifier ("sets", "strings", "optional") so that namespaced functions such as
/// sets.contains(a, b) reach a registered function: the Cel package evaluates them as member calls on that
/// identifier, so it must resolve to something the function's first parameter can match.
/// </summary>
internal sealed record CelNamespace(string Name);
