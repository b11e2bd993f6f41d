namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>A temporary directory removed with raw names on dispose (trees with names that are not UTF-8 included).</summary>
public sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string prefix = "zkrsync-e2e-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    private ScratchDirectory(string prefix, string parent)
    {
        Path = Directory.CreateDirectory(System.IO.Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"))).FullName;
    }

    /// <summary>One under /tmp, whose parents every user may pass: for a test run as another user (test.sh's TMPDIR
    /// is private to root).</summary>
    public static ScratchDirectory ReachableByEveryone(string prefix) => new(prefix, "/tmp");

    public string Path { get; }

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string Subdirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose() => PosixFs.RemoveTree(RawName.Parse(Path));
}
