using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Controllers.Workloads;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Kubelet;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.Testing;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// What every scenario shares (one per test run, as installing costs most of the time): a real ZooKeeper server on a
/// free loopback port, the local cluster in-process with the image's executables mapped as the chart's image, and
/// <c>helm install</c> of charts/zksync-operator into <see cref="ReleaseNamespace"/> against that ZooKeeper, watching
/// one namespace per scenario (<see cref="ScenarioNamespaces"/>). The operator runs from the chart's Deployment
/// under the chart's RBAC, as the service account the chart makes; the API server's refusals (its log) are kept for
/// <see cref="Refusals"/>, and every request it authorized, with the rule that allowed it, in
/// <see cref="LocalApiServer.Authorizations"/> (which <c>ChartPermissionUseTests</c> checks after every scenario).
/// </summary>
public sealed partial class EndToEndCluster : IAsyncLifetime
{
    public const string Image = "zksync-operator:e2e";

    public const string Release = "zksync-operator";

    public const string ReleaseNamespace = "zksync";

    /// <summary>The chart's full name (the release's name contains the chart's): Deployment, ServiceAccount, Lease.</summary>
    public const string Fullname = Release;

    public const string AdminPassword = "e2e-operator-admin-password";

    /// <summary>One namespace per scenario class, each watched by the operator (the chart's watchNamespaces).</summary>
    public static readonly IReadOnlyList<string> ScenarioNamespaces = ["e2e-basic", "e2e-progress", "e2e-invalid", "e2e-faults", "e2e-suspend", "e2e-delete", "e2e-operator", "e2e-unreadable", "e2e-ensemble"];

    private readonly CapturedLog _log = new();
    private LocalClusterHost? _cluster;
    private ZooKeeperServer? _zooKeeper;
    private string? _directory;
    private readonly ConcurrentDictionary<Type, bool> _scenarioClasses = new();

    public LocalClusterHost Cluster => _cluster ?? throw NotInitialized();

    public ZooKeeperServer ZooKeeper => _zooKeeper ?? throw NotInitialized();

    /// <summary>This run's directory (kubeconfig, volumes' host directories, client caches), removed at the end.</summary>
    public string Directory => _directory ?? throw NotInitialized();

    /// <summary>What <c>helm install</c> printed (its NOTES included).</summary>
    public string InstallOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("zksync-e2e-").FullName;
        var image = ImageDirectory.EnsureAsync(CancellationToken.None);
        var zooKeeper = ZooKeeperServer.StartNewAsync(ZooKeeperServerOptions.Default, CancellationToken.None);
        _cluster = await LocalClusterHost.StartAsync(new LocalClusterOptions
        {
            Images =
            [
                new ImageMapping(Image, await image.ConfigureAwait(false)),
                new ImageMapping("zookeeper:3.8", Path.Combine(Repository.EndToEndScripts, "zookeeper-image")),
            ],
            DataDirectory = Path.Combine(Directory, "cluster"),
            RestartBackOff = TimeSpan.FromMilliseconds(500),
            MaxRestartBackOff = TimeSpan.FromSeconds(5),
            ShutdownGracePeriod = TimeSpan.FromSeconds(5),
            Jobs = new JobControllerOptions { PodFailureBackOff = TimeSpan.FromMilliseconds(500), MaxPodFailureBackOff = TimeSpan.FromSeconds(5) },
            ConfigureLogging = logging => logging.AddProvider(_log).SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning),
        }, CancellationToken.None).ConfigureAwait(false);
        _zooKeeper = await zooKeeper.ConfigureAwait(false);

        var admin = Kubectl(null);
        foreach (var ns in ScenarioNamespaces.Prepend(ReleaseNamespace))
        {
            await admin.RunAsync("create", "namespace", ns).ConfigureAwait(false);
        }

        var (repository, tag) = (Image[..Image.IndexOf(':', StringComparison.Ordinal)], Image[(Image.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var install = await Helm(ReleaseNamespace).TryAsync(
            "install", Release, Repository.Chart,
            "--set", "image.repository=" + repository,
            "--set", "image.tag=" + tag,
            "--set", "zookeeper.enabled=false",
            "--set", "zookeeper.servers=" + ZooKeeper.ConnectionString,
            "--set", "zookeeper.auth.adminPassword=" + AdminPassword,
            "--set", $"watchNamespaces={{{string.Join(',', ScenarioNamespaces)}}}",
            "--wait", "--timeout", "110s").ConfigureAwait(false);
        if (!install.Succeeded)
        {
            // What a CI log needs to say why the release never became ready.
            throw new InvalidOperationException($"{install}\n{await DiagnosticsAsync(ReleaseNamespace).ConfigureAwait(false)}");
        }

        InstallOutput = install.Output;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }

        if (_zooKeeper is not null)
        {
            await _zooKeeper.DisposeAsync().ConfigureAwait(false);
        }

        if (_directory is not null)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Runs a scenario; when it fails, its output gets the operator's log (through kubectl) and the tail of the
    /// cluster's.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> scenario)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(scenario);
        _scenarioClasses.TryAdd(TestClassOf(scenario), true);
        var watch = Stopwatch.StartNew();
        try
        {
            await scenario().ConfigureAwait(false);
            // Scenario 10: the operator runs with the chart's RBAC and nothing more; any refused call fails the scenario.
            var refused = Refusals(OperatorAccount);
            Assert.True(refused.Count == 0, "the API server refused the operator:\n" + string.Join('\n', refused));
            output.WriteLine($"scenario took {watch.Elapsed.TotalSeconds:F1} s");
        }
        catch
        {
            output.WriteLine($"scenario failed after {watch.Elapsed.TotalSeconds:F1} s");
            output.WriteLine(await DiagnosticsAsync(ReleaseNamespace).ConfigureAwait(false));
            throw;
        }
    }

    /// <summary>The test classes whose scenarios <see cref="RunAsync"/> has run (or started) so far.</summary>
    public IReadOnlyCollection<Type> ScenarioClassesRun => [.. _scenarioClasses.Keys];

    /// <summary>The test class a scenario's lambda belongs to: the outermost type declaring its method (a lambda is compiled
    /// into the class, or into a closure class nested in it).</summary>
    private static Type TestClassOf(Func<Task> scenario)
    {
        var type = scenario.Method.DeclaringType!;
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    /// <summary>Why pods in <paramref name="ns"/> (the operator's, by default) are not running or ready: every pod's
    /// phase, conditions and container statuses, the namespace's events, each container's log through kubectl (current
    /// and previous instance), the kubelet's own log files of every container of the cluster (what a container
    /// printed before kubectl could serve it), and the tail of the cluster's log.</summary>
    public async Task<string> DiagnosticsAsync(string ns)
    {
        var report = new System.Text.StringBuilder();
        void Section(string title, string text) => report.Append("----- ").Append(title).Append(" -----\n").Append(text.TrimEnd()).Append('\n');
        try
        {
            var kubectl = Kubectl(ns);
            var pods = await kubectl.TryAsync("get", "pods", "-o", "wide").ConfigureAwait(false);
            Section($"kubectl -n {ns} get pods", pods.Output + pods.Error);
            var describe = await kubectl.TryAsync("describe", "pods").ConfigureAwait(false);
            Section($"kubectl -n {ns} describe pods (phase, conditions, container statuses, events)", describe.Output + describe.Error);
            var events = await kubectl.TryAsync("get", "events", "--sort-by=.lastTimestamp").ConfigureAwait(false);
            Section($"kubectl -n {ns} get events", events.Output + events.Error);
            var names = await kubectl.TryAsync("get", "pods", "-o", "name").ConfigureAwait(false);
            foreach (var pod in names.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var previous in new[] { false, true })
                {
                    string[] arguments = ["logs", pod, "--all-containers", "--tail=200", .. previous ? new[] { "--previous" } : []];
                    var logs = await kubectl.TryAsync(arguments).ConfigureAwait(false);
                    Section($"kubectl -n {ns} {string.Join(' ', arguments)}", logs.Output + logs.Error);
                }
            }
        }
#pragma warning disable CA1031 // a diagnostic that fails must not hide the failure it was called for
        catch (Exception e)
#pragma warning restore CA1031
        {
            Section("kubectl failed", e.Message);
        }

        var clusterData = Path.Combine(Directory, "cluster");
        if (System.IO.Directory.Exists(clusterData))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(clusterData, "*", SearchOption.AllDirectories)
                         .Where(f => f.Contains($"{Path.DirectorySeparatorChar}logs{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                Section("kubelet log file " + Path.GetRelativePath(clusterData, file), string.Join('\n', File.ReadLines(file).TakeLast(60)));
            }
        }

        Section("local cluster log (tail)", string.Join('\n', _log.ToString().Split('\n').TakeLast(200)));
        return report.ToString();
    }

    /// <summary>kubectl as the cluster's admin (a user), with a fresh discovery cache.</summary>
    public Kubectl Kubectl(string? ns)
    {
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "clients", $"kubectl-{Guid.NewGuid():N}")).FullName;
        var kubeconfig = Path.Combine(home, "kubeconfig");
        Kubeconfig.Write(kubeconfig, Cluster.Kubeconfig());
        return new Kubectl(kubeconfig, Path.Combine(home, "cache"), ns);
    }

    /// <summary>helm as the cluster's admin, with private cache, config and data directories.</summary>
    public Helm Helm(string ns)
    {
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "clients", $"helm-{Guid.NewGuid():N}")).FullName;
        var kubeconfig = Path.Combine(home, "kubeconfig");
        Kubeconfig.Write(kubeconfig, Cluster.Kubeconfig());
        return new Helm(kubeconfig, home, ns);
    }

    /// <summary>The operator's identity: the service account the chart makes and its Deployment runs as.</summary>
    public static string OperatorAccount => $"system:serviceaccount:{ReleaseNamespace}:{Fullname}";

    /// <summary>Every request of <paramref name="user"/> the API server refused with 403 so far (its log names the
    /// refused user in the denial message).</summary>
    public IReadOnlyList<string> Refusals(string user) =>
        [.. _log.ToString().Split('\n').Where(line => RefusalLine().IsMatch(line) && line.Contains($"User \"{user}\"", StringComparison.Ordinal))];

    [GeneratedRegex(@": 403 ")]
    private static partial Regex RefusalLine();

    private static InvalidOperationException NotInitialized() => new("The end-to-end cluster is not initialized.");
}
