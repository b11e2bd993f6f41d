using System.Text;

namespace ZkSync.Worker.Walk;

/// <summary>
/// Python's <c>utf-8</c> codec with <c>errors="surrogateescape"</c>: bytes that are not part of a valid
/// UTF-8 sequence decode to the lone surrogate U+DC00+byte (only bytes 0x80..0xFF can be invalid), and
/// encoding turns such surrogates back into the byte. Round-trips every byte sequence.
/// </summary>
public static class SurrogateEscape
{
    private const int EscapeBase = 0xDC00;

    /// <summary>Decodes <paramref name="bytes"/> as UTF-8, escaping invalid bytes.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                // Python escapes one byte at a time and resynchronises on the next byte.
                sb.Append((char)(EscapeBase + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return sb.ToString();
    }

    /// <summary>Encodes <paramref name="text"/> as UTF-8, turning escapes U+DC80..U+DCFF back into bytes.</summary>
    /// <exception cref="ArgumentException">A lone surrogate that is not such an escape.</exception>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<byte>(text.Length);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var n = new Rune(c, text[i + 1]).EncodeToUtf8(buffer);
                for (var k = 0; k < n; k++)
                {
                    result.Add(buffer[k]);
                }

                i++;
            }
            else if (c is >= (char)0xDC80 and <= (char)0xDCFF)
            {
                result.Add((byte)(c - EscapeBase));
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"lone surrogate U+{(int)c:X4} at index {i} cannot be encoded", nameof(text));
            }
            else
            {
                var n = new Rune(c).EncodeToUtf8(buffer);
                for (var k = 0; k < n; k++)
                {
                    result.Add(buffer[k]);
                }
            }
        }

        return [.. result];
    }
}
