namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>Marks a test class that <see cref="CollectionOrderingFramework"/> runs after every other class of its
/// collection (a check over what all the scenarios did, e.g. that each permission of the chart was used).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RunLastInCollectionAttribute : Attribute;
