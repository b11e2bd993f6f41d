using System.Text;
using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

public sealed class AtomicFileWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "atomic-writer-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_LaysOutFilesAsTheKubeletsAtomicWriter()
    {
        AtomicFileWriter.Write(_directory, [File("token", "abc"), File("conf/app.yaml", "x: 1", mode: 0x180)], 0x1A4, null, DateTimeOffset.UtcNow);

        var data = new FileInfo(Path.Combine(_directory, AtomicFileWriter.DataLink)).LinkTarget;
        Assert.StartsWith("..20", data, StringComparison.Ordinal);
        Assert.Equal("..data/token", new FileInfo(Path.Combine(_directory, "token")).LinkTarget);
        Assert.Equal("..data/conf", new FileInfo(Path.Combine(_directory, "conf")).LinkTarget);
        Assert.Equal("abc", System.IO.File.ReadAllText(Path.Combine(_directory, "token")));
        Assert.Equal((UnixFileMode)0x1A4, System.IO.File.GetUnixFileMode(Path.Combine(_directory, data!, "token")));
        Assert.Equal((UnixFileMode)0x180, System.IO.File.GetUnixFileMode(Path.Combine(_directory, data!, "conf/app.yaml")));
    }

    [Fact]
    public void Write_AgainSwitchesToTheNewSetAndDropsTheOld()
    {
        AtomicFileWriter.Write(_directory, [File("a", "1"), File("b", "2")], 0x1A4, null, DateTimeOffset.UtcNow);
        var first = new FileInfo(Path.Combine(_directory, AtomicFileWriter.DataLink)).LinkTarget;

        AtomicFileWriter.Write(_directory, [File("a", "changed"), File("c", "3")], 0x1A4, null, DateTimeOffset.UtcNow);

        Assert.Equal("changed", System.IO.File.ReadAllText(Path.Combine(_directory, "a")));
        Assert.Equal("3", System.IO.File.ReadAllText(Path.Combine(_directory, "c")));
        Assert.False(System.IO.File.Exists(Path.Combine(_directory, "b")));
        Assert.False(Directory.Exists(Path.Combine(_directory, first!)));
        Assert.Equal([".", "..data", "a", "c"], Directory.EnumerateFileSystemEntries(_directory)
            .Select(Path.GetFileName).Select(name => name!.StartsWith("..20", StringComparison.Ordinal) ? "." : name).Order(StringComparer.Ordinal));
    }

    private static ProjectedFile File(string path, string content, int? mode = null) => new(path, Encoding.UTF8.GetBytes(content), mode);
}
