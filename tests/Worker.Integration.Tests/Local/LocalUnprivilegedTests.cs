using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Worker.IntegrationTests.Cli;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Local;

/// <summary>
/// <c>zkrsync local</c> run by an unprivileged user (nobody, through <c>setpriv</c>) on a tree that user owns: its
/// destinations' rsync daemons run as that user with no user switch and no chroot, and the copy is exact (symlinks
/// within the tree untouched, modes and times kept). Without a chroot rsync's daemon rewrites symlinks that point
/// outside the copy (absolute ones included): the run says so on stderr.
/// </summary>
public sealed class LocalUnprivilegedTests(ITestOutputHelper output) : IDisposable
{
    private const int Nobody = 65534;
    private static readonly string[] AsNobody = [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"];

    private readonly ScratchDirectory _scratch = ScratchDirectory.ReachableByEveryone("zkrsync-local-");

    [Fact]
    public async Task Local_RunByAnUnprivilegedUser_MakesAnExactCopyAndExitsZero()
    {
        var source = RawName.Parse(Path.Combine(_scratch.Path, "source"));
        var destination = Path.Combine(_scratch.Path, "destination");
        PosixFs.MakeDirectory(source, 0b111_101_101);
        foreach (var directory in new[] { "a", "a/b", "c" })
        {
            PosixFs.MakeDirectory(RawName.Parse(Path.Combine(_scratch.Path, "source", directory)), 0b111_101_000);
        }

        PosixFs.WriteFile(RawName.Parse(Path.Combine(_scratch.Path, "source", "a", "f")), "one"u8, 0b110_100_000);
        PosixFs.WriteFile(RawName.Parse(Path.Combine(_scratch.Path, "source", "a", "b", "g")), "two"u8, 0b111_000_000);
        PosixFs.Symlink(RawName.Parse("../a/f"), RawName.Parse(Path.Combine(_scratch.Path, "source", "c", "link")));
        foreach (var path in new[] { _scratch.Path, Path.Combine(_scratch.Path, "source") }
                     .Concat(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.Path, "source"), "*", SearchOption.AllDirectories)))
        {
            PosixFs.ChangeOwner(RawName.Parse(path), Nobody, Nobody);
        }

        File.SetUnixFileMode(_scratch.Path, (UnixFileMode)0b111_101_101);

        // The executable too must be reachable by that user (a checkout under `mktemp -d` is root's, 0700).
        var executable = Path.Combine(_scratch.Path, "zkrsync");
        File.Copy(ZkRsyncProcess.ExecutablePath, executable);
        File.SetUnixFileMode(executable, (UnixFileMode)0b111_101_101);

        var (exit, stderr) = await CliRun.RunAsync(
            output, ["local", Path.Combine(_scratch.Path, "source"), destination, "--depth", "1", "--tmpdir", Path.Combine(_scratch.Path, "tmp")], AsNobody, executable);

        Assert.True(exit == ExitCodes.Success, string.Join('\n', stderr));
        CliRun.AssertNoStackTrace(stderr);
        Assert.Contains(stderr, line => line.StartsWith("zkrsync local: note: not run as root: ", StringComparison.Ordinal));
        TreeVerifier.AssertIdentical(Path.Combine(_scratch.Path, "source"), destination, new TreeComparison { RootMetadata = false });
    }

    public void Dispose() => _scratch.Dispose();
}
