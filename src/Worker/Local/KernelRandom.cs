namespace ZkSync.Worker.Local;

/// <summary>
/// Secret random bytes from the kernel's generator (<c>/dev/urandom</c>): RandomNumberGenerator would load OpenSSL into
/// the launcher first, about 7 ms of CPU before its first worker starts, for a few bytes.
/// </summary>
internal static class KernelRandom
{
    public static byte[] GetBytes(int count)
    {
        var bytes = new byte[count];
        using var source = new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        source.ReadExactly(bytes);
        return bytes;
    }
}
