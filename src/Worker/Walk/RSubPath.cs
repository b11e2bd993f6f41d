using System.Globalization;

namespace ZkSync.Worker.Walk;

/// <summary>
/// One <c>--rsubpaths</c> item, <c>&lt;depth&gt;_&lt;path&gt;</c>: walk <see cref="Path"/> (relative to the source
/// base, or absolute under it) <see cref="Depth"/> levels deep instead of stopping at <c>--depth</c>.
/// </summary>
public sealed record RSubPath(int Depth, string Path)
{
    /// <summary>Parses <c>&lt;depth&gt;_&lt;path&gt;</c> (split at the first <c>_</c>; depth a non-negative integer).</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RSubPath? result)
    {
        ArgumentNullException.ThrowIfNull(text);
        result = null;
        var at = text.IndexOf('_', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var depth))
        {
            return false;
        }

        result = new RSubPath(depth, text[(at + 1)..]);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Depth}_{Path}");
}
