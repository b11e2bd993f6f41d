using System.Text.Json;

namespace ZkSync.Contracts;

/// <summary>
/// Why a destination stopped taking transfers (the data of <c>S/destfaults/&lt;whoami&gt;</c>, an addition to the
/// original's wire format; the destination also says <c>paused</c> in <c>S/dests</c>, which original sources respect):
/// its file system is full, over quota or read-only. The master ends the session when no destination can take
/// transfers and one of these says why.
/// </summary>
/// <param name="Destination">The destination's whoami.</param>
/// <param name="Path">Its base path (<c>--rsyncpath</c>).</param>
/// <param name="Reason"><see cref="SessionEndReason.DestinationFull"/>, <see cref="SessionEndReason.QuotaExceeded"/> or
/// <see cref="SessionEndReason.DestinationReadOnly"/>.</param>
/// <param name="Error">rsync's message, one line (e.g. <c>write failed on "a/b" (in zkrs-s): No space left on device (28)</c>).</param>
/// <param name="FreeBytes">What its file system had free for it when the fault was seen; null when unknown.</param>
public sealed record DestinationFault(string Destination, string Path, string Reason, string Error, long? FreeBytes)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ContractsJsonContext.Default.DestinationFault);

    /// <summary>Null for anything that is not a fault record.</summary>
    public static DestinationFault? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return json.IsEmpty ? null : JsonSerializer.Deserialize(json, ContractsJsonContext.Default.DestinationFault);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the error is, in a few words, for the line people read.</summary>
    public string Cause => Reason switch
    {
        SessionEndReason.DestinationFull => "no space left",
        SessionEndReason.QuotaExceeded => "disk quota exceeded",
        SessionEndReason.DestinationReadOnly => "read-only file system",
        _ => Reason,
    };
}
