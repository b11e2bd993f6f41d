namespace ZkSync.LocalCluster.Semantics;

/// <summary>An RFC 6901 JSON pointer ("/a/b~1c/0"), split into unescaped segments.</summary>
internal sealed class JsonPointer
{
    private readonly string[] _segments;

    private JsonPointer(string[] segments) => _segments = segments;

    public IReadOnlyList<string> Segments => _segments;

    public bool IsRoot => _segments.Length == 0;

    public JsonPointer Parent => new(_segments[..^1]);

    public string Last => _segments[^1];

    public static JsonPointer Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return new JsonPointer([]);
        }

        if (pointer[0] != '/')
        {
            throw new PatchException($"JSON pointer \"{pointer}\" must be empty or start with /");
        }

        return new JsonPointer(pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray());
    }

    public bool IsProperDescendantOf(JsonPointer other) =>
        _segments.Length > other._segments.Length && other._segments.SequenceEqual(_segments.Take(other._segments.Length));

    public override string ToString() =>
        string.Concat(_segments.Select(s => "/" + s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
