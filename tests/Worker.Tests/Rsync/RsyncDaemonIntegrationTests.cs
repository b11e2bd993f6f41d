using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ZkSync.Worker.Rsync;
using ZkSync.Worker.Tests.Support;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Tests.Rsync;

/// <summary>
/// Runs the built command lines against a real <c>rsync --daemon</c> on 127.0.0.1: names with spaces,
/// quotes, underscores, newlines, a leading '#', and bytes that are not UTF-8 must arrive unchanged.
/// </summary>
public sealed class RsyncDaemonIntegrationTests : IDisposable
{
    private const string Session = "itest";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] Latin1Dir = [(byte)'c', (byte)'a', (byte)'f', 0xE9];
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

    [Fact]
    public async Task BuiltCommands_SyncEveryQueuedPathThroughARealDaemon()
    {
        var port = await StartDaemonAsync(secret: null);
        var result = await SyncAllAsync(port, secret: null);

        Assert.All(result, r => Assert.True(r.ExitCode == 0, r.Output));
        AssertTreesEqual();
        Assert.True(TempTree.Exists([.. _dest.RootBytes, (byte)'/', .. Latin1Dir, (byte)'/', 0xFF, (byte)'.', (byte)'b', (byte)'i', (byte)'n']));
        Assert.Equal("one", File.ReadAllText(Path.Combine(_dest.Root, "top dir/it's \"quoted\"_x/file one.txt")));
        Assert.Equal("nl", File.ReadAllText(Path.Combine(_dest.Root, "line\nbreak/n.txt")));
        Assert.True(new FileInfo(Path.Combine(_dest.Root, "link-to-etc")).LinkTarget == "/etc");

        var stats = result.Select(r => RsyncStatsParser.Parse(r.Output)).ToList();
        Assert.All(stats, s => Assert.Equal(9, s.Values.Count));
        Assert.True(stats.Sum(s => s["Number_of_regular_files_transferred"]) >= 6);
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

    private async Task<List<(int ExitCode, string Output)>> SyncAllAsync(int port, string? secret)
    {
        var basePath = RawPath.FromString(_source.Root);
        var entries = new PathWalker(new ListLogger<PathWalker>()).Walk(new PathWalkOptions(basePath, 1)).ToList();
        Assert.Contains(entries, e => e.Path.Bytes.EndsWith(Latin1Dir));
        var results = new List<(int, string)>();
        foreach (var batch in entries.GroupBy(e => e.Recursive))
        {
            var list = FilesFromList.Create(basePath, batch.ToList());
            var filesFrom = Path.Combine(_work.Root, $"files-{Guid.NewGuid():N}");
            await File.WriteAllBytesAsync(filesFrom, list.Content);
            var invocation = RsyncCommandBuilder.Source(
                new RsyncSourceSettings(), list, filesFrom, _source.Root, "127.0.0.1", port, Session, RsyncCapabilities.None, secret);
            results.Add(await RunAsync(invocation));
        }

        return results;
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
