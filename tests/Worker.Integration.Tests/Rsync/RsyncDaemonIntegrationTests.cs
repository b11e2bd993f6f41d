using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkSync.Worker.Rsync;
using ZkSync.Testing;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.IntegrationTests.Rsync;

/// <summary>
/// Runs the built command lines against a real <c>rsync --daemon</c> on 127.0.0.1: names with spaces,
/// quotes, underscores, newlines, a leading '#', rsync wildcards and bytes that are not UTF-8 must
/// arrive unchanged, with the original's <c>--files-from</c> list and with the default filter rules.
/// </summary>
public sealed class RsyncDaemonIntegrationTests : IDisposable
{
    private const string Session = "itest";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Latin1Dir = [(byte)'c', (byte)'a', (byte)'f', 0xE9];

    /// <summary>A directory of <see cref="MakeDepthThreeTree"/>'s base (<c>/a/b/r\xE9</c>) whose name is not UTF-8.</summary>
    private static readonly byte[] RawNamed = [.. "/a/b/r"u8, 0xE9];
    private readonly TempTree _source = new();
    private readonly TempTree _dest = new();
    private readonly TempTree _work = new();
    private readonly List<Process> _started = [];

    public RsyncDaemonIntegrationTests()
    {
        _source.MakeDirectories("top dir/it's \"quoted\"_x");
        _source.WriteFile("top dir/it's \"quoted\"_x/file one.txt", "one");
        _source.WriteFile("top dir/plain.txt", "plain");
        _source.WriteFile("root file.txt", "root");
        _source.MakeDirectories("#not a comment/deeper/deepest");
        _source.WriteFile("#not a comment/deeper/deepest/f", "deep");
        _source.MakeDirectories("line\nbreak");
        _source.WriteFile("line\nbreak/n.txt", "nl");
        _source.MakeDirectories(Latin1Dir);
        _source.WriteFile([.. Latin1Dir, (byte)'/', 0xFF, (byte)'.', (byte)'b', (byte)'i', (byte)'n'], "raw"u8.ToArray());
        _source.Symlink("/etc", "link-to-etc");
        _source.MakeDirectories("wild*[1]?\\x/in*ner");
        _source.WriteFile("wild*[1]?\\x/in*ner/f?", "wild");
        _source.WriteFile("wild*[1]?\\x/top", "wild top");
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        _source.Dispose();
        _dest.Dispose();
        _work.Dispose();
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task BuiltCommands_SyncEveryQueuedPathThroughARealDaemon(bool filesFrom, bool withRawName)
    {
        // Without the name that is not UTF-8, every batch goes on the command line (wildcards, quotes, a line break, a
        // leading '#' in names); with it, its batch goes by filter rules.
        if (!withRawName)
        {
            // .NET cannot name it: find matches its last byte with '?' (C locale: one byte).
            var find = new RsyncInvocation("find", [_source.Root, "-maxdepth", "1", "-name", "caf?", "-exec", "rm", "-r", "{}", "+"], new Dictionary<string, string> { ["LC_ALL"] = "C" });
            Assert.Equal(0, (await RunAsync(find)).ExitCode);
            Assert.False(TempTree.Exists([.. _source.RootBytes, (byte)'/', .. Latin1Dir]));
        }

        var port = await StartDaemonAsync(secret: null);
        var result = await SyncAllAsync(port, secret: null, filesFrom);

        Assert.All(result, r => Assert.True(r.ExitCode == 0, r.Output));
        AssertTreesEqual();
        Assert.Equal(withRawName, TempTree.Exists([.. _dest.RootBytes, (byte)'/', .. Latin1Dir, (byte)'/', 0xFF, (byte)'.', (byte)'b', (byte)'i', (byte)'n']));
        Assert.Equal("one", File.ReadAllText(Path.Combine(_dest.Root, "top dir/it's \"quoted\"_x/file one.txt")));
        Assert.Equal("nl", File.ReadAllText(Path.Combine(_dest.Root, "line\nbreak/n.txt")));
        Assert.True(new FileInfo(Path.Combine(_dest.Root, "link-to-etc")).LinkTarget == "/etc");

        var stats = result.Select(r => RsyncStatsParser.Parse(r.Output)).ToList();
        Assert.All(stats, s => Assert.Equal(9, s.Values.Count));
        Assert.Equal(withRawName ? 8 : 7, stats.Sum(s => s["Number_of_regular_files_transferred"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecursiveBatch_SendsItsEntriesAndTheirParents_AndNothingElse(bool byFilterRules)
    {
        var (basePath, entry) = MakeDepthThreeTree();
        var batch = WithRawNamedEntry(byFilterRules, [entry("a/b/c", true), entry("a/b/d", true)]);
        AssertSelectedBy(byFilterRules ? typeof(FilterRules) : typeof(SourceArguments), basePath, batch);
        var port = await StartDaemonAsync(secret: null);

        var result = await SyncAsync(port, basePath, batch, new RsyncSourceSettings());

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            ["a", "a/b", "a/b/c", "a/b/c/1.txt", "a/b/c/deep", "a/b/c/deep/2.txt", "a/b/d", "a/b/d/3.txt"],
            RelativeNames(_dest.Root).Where(NotRawNamed));
        Assert.Equal(byFilterRules, TempTree.Exists([.. _dest.RootBytes, .. RawNamed, .. "/r.txt"u8]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithDelete_DeletesOnlyWhatTheBatchOwns(bool byFilterRules)
    {
        var (basePath, entry) = MakeDepthThreeTree();
        var batch = WithRawNamedEntry(byFilterRules, [entry("a/b/c", true), entry("a/b/d", true)]);
        AssertSelectedBy(byFilterRules ? typeof(FilterRules) : typeof(SourceArguments), basePath, batch);
        var port = await StartDaemonAsync(secret: null);
        Assert.Equal(0, (await RunAsync(new RsyncInvocation("rsync", ["-a", basePath + "/", _dest.Root + "/"], new Dictionary<string, string>()))).ExitCode);
        _dest.WriteFile("a/b/c/deep/stray.txt", "inside a recursive entry: goes");
        _dest.WriteFile("a/b/e/kept.txt", "another entry's: stays");
        _dest.WriteFile("a/stray.txt", "a parent's, not in the batch: stays");
        _dest.MakeDirectories("a/b/gone-dir");
        _dest.WriteFile("a/b/gone-dir/x.txt", "a directory gone from the source, in a non-recursive entry: goes");
        _dest.WriteFile("a/b/stray.txt", "a file gone from the source, in a non-recursive entry: goes");
        var delete = new RsyncSourceSettings(Delete: true);

        var recursive = await SyncAsync(port, basePath, batch, delete);
        var nonRecursive = await SyncAsync(port, basePath, [entry("a/b", false)], delete);

        Assert.True(recursive.ExitCode == 0, recursive.Output);
        Assert.True(nonRecursive.ExitCode == 0, nonRecursive.Output);
        var names = RelativeNames(_dest.Root);
        Assert.DoesNotContain("a/b/c/deep/stray.txt", names);
        Assert.DoesNotContain("a/b/gone-dir", names);
        Assert.DoesNotContain("a/b/stray.txt", names);
        Assert.Contains("a/b/e/kept.txt", names);
        Assert.Contains("a/stray.txt", names);
        Assert.Contains("a/b/c/deep/2.txt", names);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithDelete_AnEntryGoneFromTheSource_FailsItsRunAndDeletesNothing(bool inAList)
    {
        // An unmounted or emptied source must not empty the destination. Named on the command line, rsync reports the
        // missing entry (exit 23) and skips all deletion; filter rules would leave the vanished entry's copy
        // unprotected, so a batch that needs a list runs with the original's then, which rsync treats the same.
        var (basePath, entry) = MakeDepthThreeTree();
        var batch = WithRawNamedEntry(inAList, [entry("a/b/c", true), entry("a/b/d", true)]);
        var port = await StartDaemonAsync(secret: null);
        Assert.Equal(0, (await RunAsync(new RsyncInvocation("rsync", ["-a", basePath + "/", _dest.Root + "/"], new Dictionary<string, string>()))).ExitCode);
        Directory.Delete(Path.Combine(basePath, "a/b/d"), recursive: true);
        AssertSelectedBy(inAList ? typeof(FilesFromList) : typeof(SourceArguments), basePath, batch);

        var result = await SyncAsync(port, basePath, batch, new RsyncSourceSettings(Delete: true));

        Assert.Equal(23, result.ExitCode);
        Assert.Contains("a/b/d/3.txt", RelativeNames(_dest.Root));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParentsFirstThenChildren_LeaveEveryDirectoryTimeAsTheSources(bool byFilterRules)
    {
        // The order that breaks a transfer which names its sources without their parents: the parents'
        // own (non-recursive) entries finish first, then the children are created inside them.
        var (basePath, entry) = MakeDepthThreeTree();
        var children = WithRawNamedEntry(byFilterRules, [entry("a/b/c", true), entry("a/b/d", true), entry("a/b/e", true)]);
        AssertSelectedBy(byFilterRules ? typeof(FilterRules) : typeof(SourceArguments), basePath, children);
        GiveEveryDirectoryAnOldTimeOfItsOwn(basePath);

        var port = await StartDaemonAsync(secret: null);
        var settings = new RsyncSourceSettings();
        var parents = await SyncAsync(port, basePath, [entry("", false), entry("a", false), entry("a/b", false), entry("z", false)], settings);
        var childrens = await SyncAsync(port, basePath, children, settings);

        Assert.True(parents.ExitCode == 0, parents.Output);
        Assert.True(childrens.ExitCode == 0, childrens.Output);
        // Everything, but the directory the walk leaves out comes empty (as the original's -d makes it).
        Assert.Equal(RelativeNames(basePath).Where(n => n != "a/b/excluded-snap/s.txt"), RelativeNames(_dest.Root));
        foreach (var dir in new[] { "", "a", "a/b", "a/b/c", "a/b/c/deep", "z" })
        {
            Assert.Equal(Directory.GetLastWriteTimeUtc(Path.Combine(basePath, dir)), Directory.GetLastWriteTimeUtc(Path.Combine(_dest.Root, dir)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NonRecursiveEntriesInAListBelowOneTopDirectory_RunFromIt_InEitherOrderWithTheirParents(bool parentsFirst)
    {
        // a/b, a/b/c and a/b/r\xE9 (non-recursive) share the top directory a, and a name that is not UTF-8 puts them in a
        // list: their run goes from a/ to the module's a/, made by that run when a's own entry has not run yet. Every
        // directory still ends with the source's time.
        var (basePath, entry) = MakeDepthThreeTree();
        var below = WithRawNamedEntry(true, [entry("a/b", false), entry("a/b/c", false)], recursive: false);
        GiveEveryDirectoryAnOldTimeOfItsOwn(basePath);

        var port = await StartDaemonAsync(secret: null);
        var settings = new RsyncSourceSettings();
        var selection = BatchSelection.For(RawPath.FromString(basePath), below, false, null);
        Assert.IsType<FilesFromList>(selection.List);
        Assert.Equal("a", selection.SubPath);
        var runs = new List<(int ExitCode, string Output)>();
        if (parentsFirst)
        {
            runs.Add(await SyncAsync(port, basePath, [entry("", false), entry("a", false), entry("z", false)], settings));
        }

        runs.Add(await SyncAsync(port, basePath, below, settings));
        if (!parentsFirst)
        {
            Assert.Equal(
                ["a", "a/b", "a/b/c", "a/b/c/1.txt", "a/b/c/deep", "a/b/d", "a/b/e", "a/b/excluded-snap", "a/b/g.txt"],
                RelativeNames(_dest.Root).Where(NotRawNamed));
            Assert.True(TempTree.Exists([.. _dest.RootBytes, .. RawNamed, .. "/r.txt"u8]));
            runs.Add(await SyncAsync(port, basePath, [entry("", false), entry("a", false), entry("z", false)], settings));
        }

        runs.Add(await SyncAsync(port, basePath, [entry("a/b/c/deep", true), entry("a/b/d", true), entry("a/b/e", true)], settings));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        Assert.Equal(RelativeNames(basePath).Where(n => n != "a/b/excluded-snap/s.txt"), RelativeNames(_dest.Root));
        foreach (var dir in new[] { "", "a", "a/b", "a/b/c", "a/b/c/deep", "a/b/d", "z" })
        {
            Assert.Equal(Directory.GetLastWriteTimeUtc(Path.Combine(basePath, dir)), Directory.GetLastWriteTimeUtc(Path.Combine(_dest.Root, dir)));
        }
    }

    [Fact]
    public async Task BaseEntry_CreatesItsSubdirectories_SoAnOriginalSourcesRunOfOneLeavesTheBasesTime()
    {
        // A mixed session: our source sends the base (non-recursive), an original source the subdirectories the walk
        // queued, with --files-from: no implied "." would set the base's time again after creating one of them in it.
        var (basePath, entry) = MakeDepthThreeTree();
        var old = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        Directory.SetLastWriteTimeUtc(basePath, old);

        var port = await StartDaemonAsync(secret: null);
        var settings = new RsyncSourceSettings();
        var parent = await SyncAsync(port, basePath, [entry("", false)], settings);
        var children = await SyncAsync(port, basePath, [entry("a", true), entry("z", true)], settings, filesFrom: true);

        Assert.True(parent.ExitCode == 0, parent.Output);
        Assert.True(children.ExitCode == 0, children.Output);
        Assert.Equal(RelativeNames(basePath), RelativeNames(_dest.Root));
        Assert.Equal(old, Directory.GetLastWriteTimeUtc(_dest.Root));
    }

    [Fact]
    public async Task WithSecret_RightPasswordSyncsAndWrongPasswordIsRefused()
    {
        var port = await StartDaemonAsync(secret: "s3cret");
        var wrong = await SyncAllAsync(port, secret: "wrong");
        Assert.All(wrong, r => Assert.NotEqual(0, r.ExitCode));
        Assert.All(wrong, r => Assert.Contains("auth failed", r.Output, StringComparison.Ordinal));

        var right = await SyncAllAsync(port, secret: "s3cret");
        Assert.All(right, r => Assert.True(r.ExitCode == 0, r.Output));
        AssertTreesEqual();
    }

    [Fact]
    public async Task Netcat_SourceTerminatesAndDestinationReceivesTheMessage()
    {
        var port = FreePort();
        var listener = Start(RsyncCommandBuilder.NetcatDestination("127.0.0.1", port));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                received.TrySetResult(e.Data);
            }
        };
        listener.BeginOutputReadLine();
        await WaitForPortAsync(port);

        var flags = RsyncCommandBuilder.SourceFlags(new RsyncSourceSettings(), "nofile", false, RsyncCapabilities.None);
        var (code, _) = await RunAsync(RsyncCommandBuilder.NetcatSource("127.0.0.1", port, "me:1", "3", flags));
        Assert.Equal(0, code);
        Assert.Equal("me:1 is sending 3 with flags \"--stats --numeric-ids -lptgoD --files-from=nofile\"",
            await received.Task.WaitAsync(ProcessTimeout));
    }

    private async Task<List<(int ExitCode, string Output)>> SyncAllAsync(int port, string? secret, bool filesFrom = false)
    {
        var basePath = RawPath.FromString(_source.Root);
        var entries = new PathWalker(new ListLogger<PathWalker>()).Walk(new PathWalkOptions(basePath, 1)).ToList();
        var results = new List<(int, string)>();
        foreach (var batch in entries.GroupBy(e => e.Recursive))
        {
            results.Add(await SyncAsync(port, _source.Root, [.. batch], new RsyncSourceSettings(), secret, filesFrom));
        }

        return results;
    }

    private async Task<(int ExitCode, string Output)> SyncAsync(
        int port, string basePath, IReadOnlyList<PathEntry> batch, RsyncSourceSettings settings, string? secret = null, bool filesFrom = false)
    {
        var selection = BatchSelection.For(RawPath.FromString(basePath), batch, filesFrom, settings.ArbitOpts);
        var listFile = Path.Combine(_work.Root, $"list-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(listFile, selection.List.Content);
        var invocation = RsyncCommandBuilder.Source(
            settings, selection.List, listFile, basePath, "127.0.0.1", port, Session, RsyncCapabilities.None, secret, selection.SubPath);
        return await RunAsync(invocation);
    }

    private async Task<int> StartDaemonAsync(string? secret)
    {
        var port = FreePort();
        string? secretsFile = null;
        if (secret is not null)
        {
            secretsFile = Path.Combine(_work.Root, "secrets");
            await File.WriteAllTextAsync(secretsFile, RsyncCommandBuilder.SecretsFileContent(secret));
            File.SetUnixFileMode(secretsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var config = Path.Combine(_work.Root, "rsyncd.conf");
        await File.WriteAllTextAsync(config, RsyncCommandBuilder.DaemonConfig(
            Session, _dest.Root, "127.0.0.1", secretsFile, Path.Combine(_work.Root, "rsyncd.log")));
        var daemon = Start(RsyncCommandBuilder.Daemon(config, port, "127.0.0.1", dropCache: true, RsyncCapabilities.None));
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        await WaitForPortAsync(port);
        return port;
    }

    private Process Start(RsyncInvocation invocation)
    {
        var process = Process.Start(invocation.ToStartInfo()) ?? throw new InvalidOperationException("not started");
        _started.Add(process);
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(RsyncInvocation invocation)
    {
        using var process = Process.Start(invocation.ToStartInfo()) ?? throw new InvalidOperationException("not started");
        if (invocation.StandardInput is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(invocation.StandardInput);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(ProcessTimeout);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>
    /// t/ under the source: a/f.txt, a/b/g.txt, a/b/{c,d,e}/..., a/b/excluded-snap/s.txt (a directory the walk
    /// leaves out: no batch names it), root.txt, z/5.txt; entries relative to it.
    /// </summary>
    private (string BasePath, Func<string, bool, PathEntry> Entry) MakeDepthThreeTree()
    {
        foreach (var (file, text) in new[]
        {
            ("t/a/f.txt", "f"), ("t/a/b/g.txt", "g"), ("t/a/b/c/1.txt", "1"), ("t/a/b/c/deep/2.txt", "2"),
            ("t/a/b/d/3.txt", "3"), ("t/a/b/e/4.txt", "4"), ("t/root.txt", "r"), ("t/z/5.txt", "5"),
            ("t/a/b/excluded-snap/s.txt", "left out by the walk"),
        })
        {
            _source.MakeDirectories(Path.GetDirectoryName(file)!);
            _source.WriteFile(file, text);
        }

        var basePath = Path.Combine(_source.Root, "t");
        return (basePath, (relative, recursive) =>
            new PathEntry(RawPath.FromString(relative.Length == 0 ? basePath : basePath + "/" + relative), recursive));
    }

    /// <summary>
    /// With <paramref name="add"/>, <paramref name="batch"/> and an entry a/b/r\xE9 (made, with a file) of
    /// <see cref="MakeDepthThreeTree"/>: a name that is not UTF-8 cannot go on rsync's command line, so its batch needs a list.
    /// </summary>
    private List<PathEntry> WithRawNamedEntry(bool add, List<PathEntry> batch, bool recursive = true)
    {
        if (add)
        {
            _source.MakeDirectories([.. "t"u8, .. RawNamed]);
            _source.WriteFile([.. "t"u8, .. RawNamed, .. "/r.txt"u8], "raw"u8.ToArray());
            batch.Add(new PathEntry(RawPath.FromBytes([.. _source.RootBytes, .. "/t"u8, .. RawNamed]), recursive));
        }

        return batch;
    }

    private static void AssertSelectedBy(Type expected, string basePath, IReadOnlyList<PathEntry> batch) =>
        Assert.IsType(expected, BatchSelection.For(RawPath.FromString(basePath), batch, false, null).List);

    private static bool NotRawNamed(string name) => !name.StartsWith("a/b/r", StringComparison.Ordinal);

    /// <summary>Every directory of <see cref="MakeDepthThreeTree"/> an old modification time, a different one each.</summary>
    private static void GiveEveryDirectoryAnOldTimeOfItsOwn(string basePath)
    {
        var old = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        foreach (var dir in new[] { "", "a", "a/b", "a/b/c", "a/b/c/deep", "a/b/d", "a/b/e", "a/b/excluded-snap", "z" })
        {
            Directory.SetLastWriteTimeUtc(Path.Combine(basePath, dir), old.AddMinutes(dir.Length));
        }
    }

    private static List<string> RelativeNames(string root) =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal)];

    private void AssertTreesEqual() =>
        Assert.Equal(Snapshot(RawPath.FromString(_source.Root)), Snapshot(RawPath.FromString(_dest.Root)));

    /// <summary>Every relative path (raw bytes as hex-ish text) with its kind, walked through libc.</summary>
    private static List<string> Snapshot(RawPath root)
    {
        var result = new List<string>();
        var pending = new Stack<(RawPath Path, string Relative)>();
        pending.Push((root, string.Empty));
        while (pending.Count > 0)
        {
            var (dir, relative) = pending.Pop();
            foreach (var entry in NativeFileSystem.ListDirectory(dir))
            {
                var name = Convert.ToHexString(entry.Name);
                var rel = relative + "/" + name;
                result.Add($"{entry.Kind} {rel}");
                if (entry.Kind == RawFileKind.Directory)
                {
                    pending.Push((dir.Append(entry.Name), rel));
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        Assert.True(result.Count >= 10, string.Join('\n', result));
        return result;
    }
}
