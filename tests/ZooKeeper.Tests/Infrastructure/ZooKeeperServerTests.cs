using ZkSync.Testing;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Infrastructure;

public sealed class ZooKeeperServerTests(ZooKeeperServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<ZooKeeperServerFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public Task ZooKeeperServer_WhenStarted_AnswersRuok() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);

            Assert.Equal("imok", await fixture.Server.SendCommandAsync("ruok", timeout.Token));
        });

    [Fact]
    public Task ZooKeeperServer_WhenStarted_ServesStandaloneOnLoopback() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);

            Assert.Equal("standalone", await fixture.Server.GetModeAsync(timeout.Token));
            Assert.Equal($"127.0.0.1:{fixture.Server.Port}", fixture.ConnectionString);
            Assert.Contains("binding to port /127.0.0.1:", fixture.Server.Log, StringComparison.Ordinal);
        });

    [Fact]
    public Task ZooKeeperServer_WhenStarted_GrantsTwoSecondSessions() =>
        fixture.RunWithLogOnFailureAsync(output, async () =>
        {
            using var timeout = new CancellationTokenSource(TestTimeout);
            const string script = """
                import socket, sys
                from kazoo.client import KazooClient
                hosts = sys.argv[1]
                zk = KazooClient(hosts=hosts, timeout=2.0)
                zk.start(timeout=30)
                sid = zk.client_id[0]
                s = socket.create_connection(("127.0.0.1", int(hosts.rsplit(":", 1)[1])))
                s.sendall(b"cons")
                answer = b""
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
                for line in answer.decode().splitlines():
                    if "sid=0x%x," % sid in line:
                        print(line.strip())
                zk.stop()
                zk.close()
                """;

            var result = (await KazooScript.RunAsync(script, [fixture.ConnectionString], null, null, timeout.Token)).EnsureSuccess();

            Assert.Contains("to=2000,", result.StandardOutput, StringComparison.Ordinal);
        });

    [Fact]
    public async Task ZooKeeperServer_WhenStoppedAndStartedAgain_KeepsItsPortAndData()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var server = await ZooKeeperServer.StartNewAsync(null, timeout.Token);
        await LogOnFailure.RunAsync(output, () => server.Log, async () =>
        {
            var port = server.Port;
            (await KazooScript.RunAsync(KazooScripts.CreateAndRead, [server.ConnectionString, "/restart/node", "kept"], null, null, timeout.Token))
                .EnsureSuccess();

            await server.StopAsync(timeout.Token);
            Assert.False(server.IsRunning);
            await Assert.ThrowsAnyAsync<SocketException>(() => server.SendCommandAsync("ruok", timeout.Token));
            await server.StartAsync(timeout.Token);

            Assert.Equal(port, server.Port);
            var read = (await KazooScript.RunAsync(KazooScripts.Read, [server.ConnectionString, "/restart/node"], null, null, timeout.Token))
                .EnsureSuccess();
            Assert.Equal("kept", read.StandardOutput.Trim());
        });
    }

    [Fact]
    public async Task ZooKeeperServer_WhenKilledAndStartedAgain_KeepsSessionsAndTheirEphemeralNodes()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var server = await ZooKeeperServer.StartNewAsync(null, timeout.Token);
        await LogOnFailure.RunAsync(output, () => server.Log, async () =>
        {
            const string openSession = """
                import os, sys
                from kazoo.client import KazooClient
                zk = KazooClient(hosts=sys.argv[1], timeout=30.0)
                zk.start(timeout=30)
                zk.create(sys.argv[2], b"e", ephemeral=True)
                sid, password = zk.client_id
                print("%x %s" % (sid, password.hex()), flush=True)
                os._exit(0)  # leave without closing the session
                """;
            const string resumeSession = """
                import sys
                from kazoo.client import KazooClient
                hosts, path, sid, password = sys.argv[1:5]
                zk = KazooClient(hosts=hosts, timeout=30.0, client_id=(int(sid, 16), bytes.fromhex(password)))
                zk.start(timeout=30)
                stat = zk.exists(path)
                print("session=%x owner=%x" % (zk.client_id[0], stat.ephemeralOwner if stat else 0))
                zk.stop()
                zk.close()
                """;
            var opened = (await KazooScript.RunAsync(openSession, [server.ConnectionString, "/ephemeral"], null, null, timeout.Token))
                .EnsureSuccess();
            var session = opened.StandardOutput.Trim().Split(' ');

            await server.KillAsync(timeout.Token);
            await server.StartAsync(timeout.Token);
            var resumed = (await KazooScript.RunAsync(resumeSession, [server.ConnectionString, "/ephemeral", session[0], session[1]], null, null, timeout.Token))
                .EnsureSuccess();

            Assert.Equal($"session={session[0]} owner={session[0]}", resumed.StandardOutput.Trim());
        });
    }

    [Fact]
    public async Task ZooKeeperServer_Log_HoldsTheOutputOfEveryRun()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        await using var server = await ZooKeeperServer.StartNewAsync(null, timeout.Token);

        await server.KillAsync(timeout.Token);
        await server.StartAsync(timeout.Token);

        Assert.Contains("zk run 1: starting", server.Log, StringComparison.Ordinal);
        Assert.Contains("zk run 2: starting", server.Log, StringComparison.Ordinal);
        Assert.Equal(2, server.Log.Split("binding to port").Length - 1);
    }

    [Fact]
    public async Task ZooKeeperServer_WhenDisposed_EndsTheProcessAndDeletesItsDirectory()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var server = await ZooKeeperServer.StartNewAsync(null, timeout.Token);
        var processId = server.ProcessId!.Value;
        var directory = Path.GetDirectoryName(server.DataDirectory)!;

        await server.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(File.Exists($"/proc/{processId}/cmdline") && File.ReadAllText($"/proc/{processId}/cmdline").Contains(directory, StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<SocketException>(() => server.SendCommandAsync("ruok", timeout.Token));
    }
}
