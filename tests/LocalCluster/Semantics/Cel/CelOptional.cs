namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>A CEL optional value (optional.of(x), optional.none(), and oldSelf under optionalOldSelf).</summary>
internal sealed class CelOptional
{
    public static readonly CelOptional None = new(false, null);

    private CelOptional(bool hasValue, object? value)
    {
        HasValue = hasValue;
        Value = value;
    }

    public bool HasValue { get; }

    public object? Value { get; }

    public static CelOptional Of(object? value) => new(true, value);
}
