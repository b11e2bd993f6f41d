namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// Builds a file tree under an existing root through libc with raw byte names. Relative paths are
/// <see cref="RawName"/> text (<c>caf\xE9/x</c>); missing parents are made (0755). Call <see cref="Seal"/>
/// last: it gives every entry without an explicit time a fixed, distinct mtime in the past, directories
/// after their contents, so the tree's times are deterministic and creating children cannot disturb them.
/// </summary>
public sealed class TreeBuilder
{
    /// <summary>Default mtime base: 2020-01-02 03:04:05 UTC; entries get distinct offsets from it.</summary>
    public static readonly DateTimeOffset DefaultTime = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private const int DirectoryMode = 0x1ED; // 0755
    private const int FileMode = 0x1A4; // 0644

    private readonly byte[] _root;
    private readonly Dictionary<string, long> _explicitTimes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _directoryModes = new(StringComparer.Ordinal);

    public TreeBuilder(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!System.IO.Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(root);
        }

        Root = root.TrimEnd('/');
        _root = RawName.Parse(Root);
    }

    public string Root { get; }

    /// <summary>The absolute raw path of <paramref name="relative"/> (<see cref="RawName"/> text).</summary>
    public byte[] PathOf(string relative) => RawName.Join(_root, RawName.Parse(relative));

    /// <summary>mkdir -p. The mode is applied at <see cref="Seal"/> (a read-only directory can still be filled before).</summary>
    public TreeBuilder Directory(string relative, int mode = DirectoryMode)
    {
        MakeDirectories(RawName.Parse(relative), mode);
        return this;
    }

    /// <summary>A regular file with the given content.</summary>
    public TreeBuilder File(string relative, byte[] content, int mode = FileMode)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PrepareParent(relative);
        PosixFs.WriteFile(path, content, FileMode);
        PosixFs.ChangeMode(path, mode);
        return this;
    }

    /// <summary>A regular file of <paramref name="size"/> bytes, content derived from its name (reproducible, not compressible).</summary>
    public TreeBuilder File(string relative, int size, int mode = FileMode) => File(relative, Content(relative, size), mode);

    public TreeBuilder Symlink(string relative, string target)
    {
        PosixFs.Symlink(RawName.Parse(target), PrepareParent(relative));
        return this;
    }

    /// <summary>A hard link at <paramref name="relative"/> to the existing <paramref name="existing"/>.</summary>
    public TreeBuilder HardLink(string relative, string existing)
    {
        PosixFs.HardLink(PathOf(existing), PrepareParent(relative));
        return this;
    }

    public TreeBuilder Fifo(string relative, int mode = FileMode)
    {
        var path = PrepareParent(relative);
        PosixFs.MakeFifo(path, mode);
        PosixFs.ChangeMode(path, mode);
        return this;
    }

    /// <summary>lchown (symlinks themselves included).</summary>
    public TreeBuilder Owner(string relative, int uid, int gid)
    {
        PosixFs.ChangeOwner(PathOf(relative), uid, gid);
        return this;
    }

    /// <summary>An explicit mtime (applied at <see cref="Seal"/>).</summary>
    public TreeBuilder Mtime(string relative, DateTimeOffset time)
    {
        _explicitTimes[RawName.Key(RawName.Parse(relative))] = time.ToUnixTimeSeconds();
        return this;
    }

    /// <summary>
    /// Applies directory modes and mtimes, deepest entries first: explicit times where given, otherwise
    /// <see cref="DefaultTime"/> plus a per-entry offset of whole minutes (the root included).
    /// </summary>
    public void Seal()
    {
        var offset = 0L;
        SealDirectory([], ref offset);
    }

    /// <summary>Pseudo-random bytes seeded by the name, so sources and expectations agree without storing them.</summary>
    public static byte[] Content(string seed, int size)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var bytes = new byte[size];
        new Random(StableHash(seed)).NextBytes(bytes);
        return bytes;
    }

    private void SealDirectory(byte[] relative, ref long offset)
    {
        var absolute = relative.Length == 0 ? _root : RawName.Join(_root, relative);
        var names = PosixFs.ListDirectory(absolute);
        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        foreach (var name in names)
        {
            var childRelative = relative.Length == 0 ? name : RawName.Join(relative, name);
            var child = RawName.Join(_root, childRelative);
            var stat = PosixFs.LStat(child) ?? throw new IOException($"vanished: {RawName.Display(child)}");
            if (stat.IsDirectory)
            {
                SealDirectory(childRelative, ref offset);
                continue;
            }

            SetTime(child, childRelative, ref offset);
        }

        if (_directoryModes.TryGetValue(RawName.Key(relative), out var mode))
        {
            PosixFs.ChangeMode(absolute, mode);
        }

        SetTime(absolute, relative, ref offset);
    }

    private void SetTime(byte[] absolute, byte[] relative, ref long offset)
    {
        offset += 60;
        var time = _explicitTimes.TryGetValue(RawName.Key(relative), out var explicitTime)
            ? explicitTime
            : DefaultTime.ToUnixTimeSeconds() + offset;
        PosixFs.SetTimes(absolute, time);
    }

    private byte[] PrepareParent(string relative)
    {
        var raw = RawName.Parse(relative);
        var slash = Array.LastIndexOf(raw, (byte)'/');
        if (slash > 0 && !_directoryModes.ContainsKey(RawName.Key(raw.AsSpan(0, slash))))
        {
            MakeDirectories(raw[..slash], DirectoryMode);
        }

        return RawName.Join(_root, raw);
    }

    private void MakeDirectories(byte[] raw, int mode)
    {
        var current = _root;
        var relative = Array.Empty<byte>();
        foreach (var part in Split(raw))
        {
            current = RawName.Join(current, part);
            relative = relative.Length == 0 ? part : RawName.Join(relative, part);
            PosixFs.MakeDirectory(current, DirectoryMode);
            _directoryModes.TryAdd(RawName.Key(relative), DirectoryMode);
        }

        _directoryModes[RawName.Key(raw)] = mode;
    }

    private static List<byte[]> Split(byte[] relative)
    {
        var parts = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= relative.Length; i++)
        {
            if (i == relative.Length || relative[i] == (byte)'/')
            {
                if (i > start)
                {
                    parts.Add(relative[start..i]);
                }

                start = i + 1;
            }
        }

        return parts;
    }

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
