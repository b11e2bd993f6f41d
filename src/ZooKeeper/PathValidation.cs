namespace ZkSync.ZooKeeper;

/// <summary>Client-side checks of node paths and data sizes, so a bad request fails with a clear
/// <see cref="ArgumentException"/> before anything is sent (the server's rules, PathUtils.validatePath).</summary>
public static class PathValidation
{
    /// <summary>The server's default jute.maxbuffer (0xfffff): no packet may be larger.</summary>
    public const int MaxPacketLength = 0xFFFFF;

    /// <summary>The largest node data accepted: the packet limit less room for the path, ACL and headers.</summary>
    public const int MaxDataLength = MaxPacketLength - 4096;

    public static void ValidatePath(string path, bool isSequential = false, string parameterName = "path")
    {
        if (path is null)
        {
            throw new ArgumentNullException(parameterName, "Path must not be null.");
        }

        if (path.Length == 0)
        {
            throw new ArgumentException("Path must not be empty.", parameterName);
        }

        if (path[0] != '/')
        {
            throw new ArgumentException($"Path must start with '/': \"{path}\".", parameterName);
        }

        if (path.Length == 1)
        {
            return;
        }

        // A sequential create's name may end with '/': the server appends the counter.
        var checkedPath = isSequential ? path + "1" : path;
        if (checkedPath[^1] == '/')
        {
            throw new ArgumentException($"Path must not end with '/': \"{path}\".", parameterName);
        }

        var segmentStart = 1;
        for (var i = 1; i <= checkedPath.Length; i++)
        {
            if (i < checkedPath.Length)
            {
                var c = checkedPath[i];
                if (c == '\0')
                {
                    throw new ArgumentException($"Path must not contain NUL (at {i}): \"{Printable(path)}\".", parameterName);
                }

                if (c is (> '\u0000' and <= '\u001f') or (>= '\u007f' and <= '\u009f') or (>= '\ud800' and <= '\uf8ff') or (>= '\ufff0' and <= '\uffff'))
                {
                    throw new ArgumentException($"Path contains an invalid character U+{(int)c:X4} at {i}: \"{Printable(path)}\".", parameterName);
                }

                if (c != '/')
                {
                    continue;
                }
            }

            var segment = checkedPath.AsSpan(segmentStart, i - segmentStart);
            if (segment.Length == 0)
            {
                throw new ArgumentException($"Path must not contain an empty segment ('//'): \"{path}\".", parameterName);
            }

            if (segment is "." or "..")
            {
                throw new ArgumentException($"Path must not contain '.' or '..' segments: \"{path}\".", parameterName);
            }

            segmentStart = i + 1;
        }
    }

    public static void ValidateData(ReadOnlyMemory<byte> data, string parameterName = "data")
    {
        if (data.Length > MaxDataLength)
        {
            throw new ArgumentException(
                $"Node data of {data.Length} bytes exceeds the {MaxDataLength}-byte limit (the server's default 1 MB jute.maxbuffer).",
                parameterName);
        }
    }

    private static string Printable(string path) => path.Replace("\0", "\\0", StringComparison.Ordinal);
}
