using System.Buffers.Binary;
using System.Numerics;

namespace ZkSync.ZooKeeper;

/// <summary>
/// SHA-1 (FIPS 180-4), for the digest scheme's ids only (<see cref="Acl.DigestId"/>: the scheme is defined with SHA-1,
/// nothing is kept secret by it). .NET hashes through OpenSSL on Linux, and loading it costs every worker process about
/// 7 ms of CPU at its start, when a session starts many of them on few cores; a digest id hashes a few bytes once.
/// </summary>
internal static class Sha1
{
    public const int HashSize = 20;

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        Span<uint> state = [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];
        Span<uint> schedule = stackalloc uint[80];
        var whole = data.Length / 64 * 64;
        for (var offset = 0; offset < whole; offset += 64)
        {
            Compress(state, schedule, data.Slice(offset, 64));
        }

        // The tail, a 1 bit, zeros, and the message length in bits: one or two more blocks.
        Span<byte> last = stackalloc byte[128];
        last.Clear();
        var tail = data[whole..];
        tail.CopyTo(last);
        last[tail.Length] = 0x80;
        var blocks = tail.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(last.Slice(blocks - 8, 8), (ulong)data.Length * 8);
        for (var offset = 0; offset < blocks; offset += 64)
        {
            Compress(state, schedule, last.Slice(offset, 64));
        }

        var hash = new byte[HashSize];
        for (var i = 0; i < state.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash.AsSpan(i * 4, 4), state[i]);
        }

        return hash;
    }

    private static void Compress(Span<uint> state, Span<uint> w, ReadOnlySpan<byte> block)
    {
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4, 4));
        }

        for (var t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (var t = 0; t < 80; t++)
        {
            var (f, k) = t switch
            {
                < 20 => ((b & c) | (~b & d), 0x5A827999u),
                < 40 => (b ^ c ^ d, 0x6ED9EBA1u),
                < 60 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDCu),
                _ => (b ^ c ^ d, 0xCA62C1D6u),
            };
            var next = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = next;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
