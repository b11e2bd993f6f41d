namespace ZkSync.LocalCluster.Semantics.JsonPath;

/// <summary>A node of a parsed JSONPath template (client-go util/jsonpath/node.go); the kinds are nested.</summary>
internal abstract record JsonPathNode
{
    /// <summary>A sequence of nodes: a whole template, one {action}, a filter side or a union member.</summary>
    internal sealed record Sequence(List<JsonPathNode> Nodes) : JsonPathNode;

    /// <summary>Literal text, outside actions or quoted inside them.</summary>
    internal sealed record Text(string Value) : JsonPathNode;

    /// <summary>".name": a map entry.</summary>
    internal sealed record Field(string Name) : JsonPathNode;

    /// <summary>"[start:end:step]", with which parts were given.</summary>
    internal sealed record Slice(SliceParameter Start, SliceParameter End, SliceParameter Step) : JsonPathNode;

    /// <summary>"[?(left op right)]", or "[?(path)]" (operator "exists").</summary>
    internal sealed record Filter(Sequence Left, Sequence Right, string Operator) : JsonPathNode;

    internal sealed record Int(long Value) : JsonPathNode;

    internal sealed record Float(double Value) : JsonPathNode;

    internal sealed record Bool(bool Value) : JsonPathNode;

    /// <summary>".*" or "[*]".</summary>
    internal sealed record Wildcard : JsonPathNode;

    /// <summary>"..": the value and everything below it.</summary>
    internal sealed record Recursive : JsonPathNode;

    /// <summary>"[a,b]": the results of each member in turn.</summary>
    internal sealed record Union(List<Sequence> Members) : JsonPathNode;

    /// <summary>"range" or "end".</summary>
    internal sealed record Identifier(string Name) : JsonPathNode;

    /// <summary>One part of an array slice: whether it was given, its value, and whether the end was derived from a single index.</summary>
    internal sealed record SliceParameter(bool Known, int Value, bool Derived);
}
