using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkSync.Chart.Tests.Support;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.ZooKeeper;

namespace ZkSync.Chart.Tests;

/// <summary>
/// tests/e2e/zookeeper-image, the stand-in for the official zookeeper image the local cluster runs the chart's ZooKeeper
/// with: its entrypoint's contract, and the chart's own container (command, environment, probe) forming a quorum on it.
/// </summary>
public sealed class ZooKeeperStandInTests(ITestOutputHelper output)
{
    private const string Fullname = ChartRenderer.Release + "-zksync-operator";

    private static string StandIn => Path.Combine(Repository.EndToEnd, "zookeeper-image");

    [Fact]
    public void ImageJson_IsTheOfficialImagesEntrypointAndCommand()
    {
        var image = JsonNode.Parse(File.ReadAllText(Path.Combine(StandIn, "image.json")))!;
        Assert.Equal(["/docker-entrypoint.sh"], image["entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["zkServer.sh", "start-foreground"], image["cmd"]!.AsArray().Select(e => (string?)e));
        Assert.True(File.Exists(Path.Combine(StandIn, "docker-entrypoint.sh")));
        Assert.True(File.Exists(Path.Combine(StandIn, "zkServer.sh")));
    }

    [Fact]
    public async Task Entrypoint_WritesZooCfgAndMyidFromTheEnvironment_OnlyWhenTheyAreMissing()
    {
        using var directories = new MemberDirectories();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ZOO_CONF_DIR"] = directories.Conf,
            ["ZOO_DATA_DIR"] = directories.Data,
            ["ZOO_DATA_LOG_DIR"] = directories.Map("/data/datalog"),
            ["ZOO_LOG_DIR"] = directories.Logs,
            ["ZOO_MY_ID"] = "7",
            ["ZOO_SERVERS"] = "server.7=a:2888:3888;2181 server.8=b:2888:3888;2181",
            ["ZOO_4LW_COMMANDS_WHITELIST"] = "ruok,srvr",
            ["ZOO_CFG_EXTRA"] = "clientPortAddress=127.0.0.9 quorumListenOnAllIPs=true",
            ["ZOO_TICK_TIME"] = "500",
        };
        var first = await RunEntrypointAsync(environment, "cat", Path.Combine(directories.Conf, "zoo.cfg"));
        Assert.True(first.Succeeded, first.ToString());
        Assert.Equal(
            $"dataDir={directories.Data}\ndataLogDir={directories.Data}/datalog\ntickTime=500\ninitLimit=5\nsyncLimit=2\nautopurge.snapRetainCount=3\n" +
            "autopurge.purgeInterval=0\nmaxClientCnxns=60\nstandaloneEnabled=true\nadmin.enableServer=true\n" +
            "server.7=a:2888:3888;2181\nserver.8=b:2888:3888;2181\n4lw.commands.whitelist=ruok,srvr\n" +
            "clientPortAddress=127.0.0.9\nquorumListenOnAllIPs=true\n",
            first.Output);
        Assert.Equal("7\n", File.ReadAllText(Path.Combine(directories.Data, "myid")));

        environment["ZOO_MY_ID"] = "8";
        environment["ZOO_TICK_TIME"] = "3000";
        var second = await RunEntrypointAsync(environment, "cat", Path.Combine(directories.Conf, "zoo.cfg"));
        Assert.Equal(first.Output, second.Output);
        Assert.Equal("7\n", File.ReadAllText(Path.Combine(directories.Data, "myid")));
    }

    [Fact]
    public async Task Entrypoint_WhoseDirectoryIsNotMounted_RefusesToMakeItOnTheHost()
    {
        using var directories = new MemberDirectories();
        var missing = Path.Combine(directories.Root, "not-mounted");
        var result = await RunEntrypointAsync(
            new Dictionary<string, string>(StringComparer.Ordinal) { ["ZOO_CONF_DIR"] = directories.Conf, ["ZOO_DATA_DIR"] = missing, ["ZOO_LOG_DIR"] = directories.Logs },
            "true");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{missing} does not exist: mount a volume there", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task ChartsEnsemble_OnTheStandIn_FormsAQuorumThatServesClientsAndHonoursTheSuperDigest()
    {
        var manifests = await ChartRenderer.RenderAsync("--set", "zookeeper.heapMegabytes=128");
        var statefulSet = manifests.Single("StatefulSet", Fullname + "-zookeeper");
        var secret = manifests.Single("Secret", Fullname + "-zookeeper-auth");
        string SecretValue(string name, string key)
        {
            Assert.Equal(Manifests.Name(secret), name);
            return Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]![key]!));
        }

        await using var ensemble = new StandInEnsemble(statefulSet, SecretValue, output);
        ensemble.Start();
        await ensemble.WaitUntilEveryMemberIsReadyAsync(TimeSpan.FromSeconds(120));

        var adminPassword = SecretValue(Manifests.Name(secret), "admin-password");
        var path = "/standin-" + Guid.NewGuid().ToString("N");
        await using (var super = await ensemble.ConnectAsync(0))
        {
            await super.AddDigestAuthAsync("super", SecretValue(Manifests.Name(secret), "super-password"));
            await super.CreateAsync(path, "written by super"u8.ToArray(), [Acl.Digest("zksync-operator", adminPassword, Permissions.All)]);
        }

        await using (var anonymous = await ensemble.ConnectAsync(2))
        {
            await anonymous.SyncAsync(path);
            await Assert.ThrowsAsync<NoAuthException>(() => anonymous.GetDataAsync(path));
        }

        await using (var operatorClient = await ensemble.ConnectAsync(1))
        {
            await operatorClient.AddDigestAuthAsync("zksync-operator", adminPassword);
            await operatorClient.SyncAsync(path);
            Assert.Equal("written by super", Encoding.UTF8.GetString((await operatorClient.GetDataAsync(path)).Data));
            await operatorClient.DeleteAsync(path);
        }
    }

    private static Task<CommandResult> RunEntrypointAsync(IReadOnlyDictionary<string, string> environment, params string[] command) =>
        CommandRunner.RunAsync(Path.Combine(StandIn, "docker-entrypoint.sh"), command, environment, null, TimeSpan.FromSeconds(30), CancellationToken.None);

    /// <summary>A member's volumes: the directories its pod mounts at /conf, /data, /logs and /tmp.</summary>
    private sealed class MemberDirectories : IDisposable
    {
        public MemberDirectories()
        {
            // Under /tmp, traversable: the members run as the image's user 1000, as the chart's securityContext says,
            // and the test's own TMPDIR may be private to root.
            Root = Path.Combine("/tmp", "zksync-zookeeper-standin-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            foreach (var directory in new[] { Conf, Data, Logs, Tmp })
            {
                // emptyDir and a claim with fsGroup: writable by the pod's user.
                Directory.CreateDirectory(directory, (UnixFileMode)Convert.ToInt32("777", 8));
                File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("777", 8));
            }

            // The image's programs, copied where user 1000 can reach them: the checkout's own directories may not let
            // it through (a clone under `mktemp -d` is 0700 root's).
            Directory.CreateDirectory(Image, (UnixFileMode)Convert.ToInt32("755", 8));
            foreach (var program in new[] { "docker-entrypoint.sh", "zkServer.sh" })
            {
                File.Copy(Path.Combine(StandIn, program), Path.Combine(Image, program));
                File.SetUnixFileMode(Path.Combine(Image, program), (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }

        public string Root { get; }

        public string Conf => Path.Combine(Root, "conf");

        public string Data => Path.Combine(Root, "data");

        public string Logs => Path.Combine(Root, "logs");

        public string Tmp => Path.Combine(Root, "tmp");

        /// <summary>The stand-in image's programs (docker-entrypoint.sh, zkServer.sh).</summary>
        public string Image => Path.Combine(Root, "image");

        public string Entrypoint => Path.Combine(Image, "docker-entrypoint.sh");

        /// <summary>A path of the pod (/data/datalog) as it is here.</summary>
        public string Map(string podPath)
        {
            foreach (var (mount, directory) in new[] { ("/conf", Conf), ("/data", Data), ("/logs", Logs), ("/tmp", Tmp) })
            {
                if (podPath == mount || podPath.StartsWith(mount + "/", StringComparison.Ordinal))
                {
                    return directory + podPath[mount.Length..];
                }
            }

            throw new InvalidOperationException($"{podPath} is on no volume of the pod");
        }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    /// <summary>
    /// The chart's ZooKeeper pods as the local kubelet would run them on the stand-in: the container's command with the
    /// image's /docker-entrypoint.sh from the stand-in directory, its environment resolved for each pod (name, address,
    /// the auth Secret), as user 1000, each member on its own 127.x.y.N address (the members' DNS names map to them).
    /// </summary>
    private sealed class StandInEnsemble(JsonObject statefulSet, Func<string, string, string> secret, ITestOutputHelper output) : IAsyncDisposable
    {
        private readonly List<(Process Process, StringBuilder Log, MemberDirectories Directories, Dictionary<string, string> Environment)> _members = [];
        private readonly string _subnet = $"127.{Random.Shared.Next(64, 250)}.{Random.Shared.Next(1, 250)}.";
        private readonly JsonObject _container = Manifests.Container(statefulSet, "zookeeper");

        private int Replicas => (int)(long)statefulSet["spec"]!["replicas"]!;

        public void Start()
        {
            var name = Manifests.Name(statefulSet);
            var service = (string)statefulSet["spec"]!["serviceName"]!;
            var command = _container["command"]!.AsArray().Select(c => (string)c!).ToList();
            Assert.Null(_container["args"]);
            for (var ordinal = 0; ordinal < Replicas; ordinal++)
            {
                var directories = new MemberDirectories();
                File.WriteAllText(Path.Combine(directories.Conf, "logback.xml"), "<configuration/>");
                var environment = ContainerEnvironment.Resolve(
                    _container,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = $"{name}-{ordinal}", ["status.podIP"] = Address(ordinal) },
                    secret);
                var servers = environment["ZOO_SERVERS"];
                for (var peer = 0; peer < Replicas; peer++)
                {
                    servers = servers.Replace($"={name}-{peer}.{service}.{Manifests.Namespace(statefulSet)}.svc.cluster.local:", $"={Address(peer)}:", StringComparison.Ordinal);
                }

                Assert.DoesNotContain("svc.cluster.local", servers, StringComparison.Ordinal);
                environment["ZOO_SERVERS"] = servers;
                environment["ZOO_CONF_DIR"] = directories.Conf;
                environment["ZOO_DATA_DIR"] = directories.Data;
                environment["ZOO_LOG_DIR"] = directories.Logs;
                environment["ZOO_DATA_LOG_DIR"] = directories.Map(environment.GetValueOrDefault("ZOO_DATA_LOG_DIR", "/datalog"));
                environment["TMPDIR"] = directories.Tmp;

                // test.sh kills what a crashed test host left behind by finding its TMPDIR in command lines.
                environment["JVMFLAGS"] += " -Dzksync.tests.tmpdir=" + Path.GetTempPath();

                var start = new ProcessStartInfo(Environment.UserName == "root" ? "setpriv" : command[0])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                if (Environment.UserName == "root")
                {
                    foreach (var argument in new[] { "--reuid=1000", "--regid=1000", "--groups=1000", "--", command[0] })
                    {
                        start.ArgumentList.Add(argument);
                    }
                }

                foreach (var argument in command.Skip(1))
                {
                    // The kubelet finds the image's programs in the stand-in directory.
                    start.ArgumentList.Add(argument.Replace("/docker-entrypoint.sh", directories.Entrypoint, StringComparison.Ordinal));
                }

                foreach (var (key, value) in environment)
                {
                    start.Environment[key] = value;
                }

                var log = new StringBuilder();
                var process = new Process { StartInfo = start };
                process.OutputDataReceived += (_, e) => Append(log, e.Data);
                process.ErrorDataReceived += (_, e) => Append(log, e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                _members.Add((process, log, directories, environment));
            }
        }

        /// <summary>Runs the chart's readiness probe for every member until all pass (as the kubelet would, every second).</summary>
        public async Task WaitUntilEveryMemberIsReadyAsync(TimeSpan timeout)
        {
            var probe = _container["readinessProbe"]!["exec"]!["command"]!.AsArray().Select(c => (string)c!).ToArray();
            var waited = Stopwatch.StartNew();
            var ready = new bool[Replicas];
            while (!ready.All(r => r))
            {
                for (var ordinal = 0; ordinal < Replicas; ordinal++)
                {
                    var exited = _members[ordinal].Process.HasExited;
                    Assert.False(exited, $"member {ordinal} exited:\n{_members[ordinal].Log}");
                    if (!ready[ordinal])
                    {
                        var result = await CommandRunner.RunAsync(probe[0], probe[1..], _members[ordinal].Environment, null, TimeSpan.FromSeconds(10), CancellationToken.None);
                        ready[ordinal] = result.Succeeded;
                    }
                }

                if (waited.Elapsed > timeout)
                {
                    throw new TimeoutException($"members not ready within {timeout}: {string.Join(", ", ready.Select((r, i) => $"{i}: {r}"))}");
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        public Task<ZooKeeperClient> ConnectAsync(int ordinal) =>
            ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = $"{Address(ordinal)}:2181" });

        public async ValueTask DisposeAsync()
        {
            foreach (var (process, log, directories, _) in _members)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                output.WriteLine($"----- {process.StartInfo.Environment["ZOO_DATA_DIR"]} -----");
                output.WriteLine(log.ToString());
                process.Dispose();
                directories.Dispose();
            }
        }

        private static void Append(StringBuilder log, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.Append(line).Append('\n');
            }
        }

        private string Address(int ordinal) => _subnet + (ordinal + 1);
    }
}
