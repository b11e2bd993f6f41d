using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Hosting;
using ZkSync.LocalCluster.Resources;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.Operator.Entities;
using ZkSync.Operator.Rbac;
using ZkSync.Operator.Reconciliation;
using ZkSync.Operator.Tests.Entities;
using ZkSync.Operator.ZooKeeper;
using ZkSync.Testing;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// What the controller tests of one class share: a local API server (in-process) with the CRD from <c>crds/</c>
/// applied by kubectl, a real ZooKeeper server, and a ClusterRole made from <see cref="OperatorPermissions"/>.
/// Each test takes a namespace of its own (<see cref="CreateNamespaceAsync"/>) and runs its operators there
/// (watching that namespace only, their Lease in it), as a service account with exactly those permissions.
/// </summary>
public class OperatorClusterFixture : IAsyncLifetime
{
    /// <summary>The operator's ZooKeeper admin password.</summary>
    public const string AdminPassword = "operator-admin-secret";

    public const string WorkerImage = "registry.local/zksync:test";

    public const string ServiceAccount = "zksync-operator";

    private readonly CapturedLog _serverLog = new();
    private readonly List<OperatorInstance> _operators = [];
    private readonly string _clusterRole = "zksync-operator-" + Guid.NewGuid().ToString("N")[..8];
    private LocalApiServer? _server;
    private ZooKeeperServer? _zooKeeper;
    private IKubernetes? _admin;
    private ClusterChanges? _changes;
    private string? _directory;

    public LocalApiServer Server => _server ?? throw NotInitialized();

    public ZooKeeperServer ZooKeeper => _zooKeeper ?? throw NotInitialized();

    /// <summary>A KubernetesClient as the cluster's admin (tests act as users, the kubelet and the Job controller with it).</summary>
    public IKubernetes Admin => _admin ?? throw NotInitialized();

    public ClusterChanges Changes => _changes ?? throw NotInitialized();

    public string Directory => _directory ?? throw NotInitialized();

    protected virtual ZooKeeperServerOptions ZooKeeperOptions => ZooKeeperServerOptions.Default;

    public async Task InitializeAsync()
    {
        _directory = System.IO.Directory.CreateTempSubdirectory("operator-tests-").FullName;
        var zooKeeper = ZooKeeperServer.StartNewAsync(ZooKeeperOptions, CancellationToken.None);
        _server = await LocalApiServer.StartAsync(new LocalApiServerOptions
        {
            ConfigureLogging = logging => logging.AddProvider(_serverLog).SetMinimumLevel(LogLevel.Debug).AddFilter("Microsoft", LogLevel.Warning),
        }, CancellationToken.None).ConfigureAwait(false);
        _changes = new ClusterChanges(_server.Resources);
        using (var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(_server.Kubeconfig())))
        {
            _admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        }

        // The CRD as a user installs it, then the operator's ClusterRole as the chart makes it.
        (await Kubectl(null).TryAsync("apply", "-f", CrdDocument.CrdPath).ConfigureAwait(false)).EnsureSuccess();
        await Changes.WaitAsync(() => SessionType is not null, "the ZkRsyncSession CRD to be served").ConfigureAwait(false);
        await Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = _clusterRole },
            Rules = [.. Rules(PermissionScope.WatchedNamespaces)],
        }).ConfigureAwait(false);
        _zooKeeper = await zooKeeper.ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _operators)
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }

        _changes?.Dispose();
        _admin?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
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

    /// <summary>Runs a test body; when it fails, the test's output gets the operators', the API server's and
    /// ZooKeeper's logs. Operators started in the test are stopped at its end.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test().ConfigureAwait(false);
        }
        catch
        {
            foreach (var instance in _operators)
            {
                output.WriteLine($"----- operator {instance.Name} log -----");
                output.WriteLine(Tail(instance.Log.ToString(), 400));
            }

            output.WriteLine("----- API server log -----");
            output.WriteLine(Tail(_serverLog.ToString(), 200));
            output.WriteLine("----- ZooKeeper log -----");
            output.WriteLine(Tail(ZooKeeper.Log, 30));
            throw;
        }
        finally
        {
            foreach (var instance in _operators)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }

            _operators.Clear();
        }
    }

    /// <summary>A namespace for one test: the operator's service account in it, bound to the ClusterRole (the watched
    /// namespace's rules) and to a Role for its Lease, and a token for it.</summary>
    public async Task<TestNamespace> CreateNamespaceAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        await Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }).ConfigureAwait(false);
        await Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = ServiceAccount } }, name).ConfigureAwait(false);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = ServiceAccount },
            Rules = [.. Rules(PermissionScope.OperatorNamespace)],
        }, name).ConfigureAwait(false);
        foreach (var (binding, kind, role) in new[] { ("zksync-operator-watch", "ClusterRole", _clusterRole), ("zksync-operator-lease", "Role", ServiceAccount) })
        {
            await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = binding },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = kind, Name = role },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = name }],
            }, name).ConfigureAwait(false);
        }

        var token = await Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, ServiceAccount, name).ConfigureAwait(false);
        return new TestNamespace(name, token.Status.Token);
    }

    /// <summary>Lets the operator of <paramref name="ns"/> watch <paramref name="other"/> too (its service account bound
    /// there to the watched namespace's rules), as the chart's <c>watchNamespaces</c> does.</summary>
    public async Task WatchAlsoAsync(TestNamespace ns, TestNamespace other)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(other);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "zksync-operator-watch-" + ns.Name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = _clusterRole },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = ns.Name }],
        }, other.Name).ConfigureAwait(false);
    }

    /// <summary>Starts an operator replica watching <paramref name="ns"/> (its Lease there too), with short leases and
    /// timeouts; <paramref name="extra"/> adds or overrides command-line settings.</summary>
    public async Task<OperatorInstance> StartOperatorAsync(TestNamespace ns, string instance = "operator-0", params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var kubeconfig = Path.Combine(Directory, $"kubeconfig-{ns.Name}-{instance}");
        Kubeconfig.Write(kubeconfig, Server.Kubeconfig(ns.OperatorToken, $"system:serviceaccount:{ns.Name}:{ServiceAccount}", ns.Name));
        string[] args =
        [
            "--Operator:WatchNamespaces:0=" + ns.Name,
            "--Operator:Namespace=" + ns.Name,
            "--Operator:Instance=" + instance,
            "--Operator:Workers:Image=" + WorkerImage,
            "--Operator:ZooKeeper:Servers=" + ZooKeeper.ConnectionString,
            "--Operator:ZooKeeper:AdminPassword=" + AdminPassword,
            "--Operator:ZooKeeper:SessionTimeoutSeconds=4",
            "--Operator:ZooKeeper:ConnectTimeoutSeconds=2",
            "--Operator:LeaderElection:LeaseDurationSeconds=3",
            "--Operator:LeaderElection:RenewDeadlineSeconds=2",
            "--Operator:LeaderElection:RetryPeriodSeconds=0.5",
            "--Operator:WatchTimeoutSeconds=60",
            "--Operator:FinishedJobsGraceSeconds=1",
            "--Operator:Http:Address=127.0.0.1",
            "--Operator:Http:Port=0",
            .. extra,
        ];
        var started = await OperatorInstance.StartAsync(instance, kubeconfig, args, CancellationToken.None).ConfigureAwait(false);
        started.Recorder.Recorded = Changes.Poke;
        _operators.Add(started);
        return started;
    }

    /// <summary>kubectl as the admin, with a fresh discovery cache.</summary>
    public Kubectl Kubectl(TestNamespace? ns)
    {
        var home = System.IO.Directory.CreateDirectory(Path.Combine(Directory, $"kubectl-{Guid.NewGuid():N}")).FullName;
        var kubeconfig = Path.Combine(home, "kubeconfig");
        Kubeconfig.Write(kubeconfig, Server.Kubeconfig());
        return new Kubectl(kubeconfig, Path.Combine(home, "cache"), ns?.Name);
    }

    public ResourceType? SessionType => Server.Resources.Registry.Find(ZkRsyncSessionResource.Group, ZkRsyncSessionResource.Version, ZkRsyncSessionResource.Plural);

    // ----- the stored state, read in-process (not through any client) -----

    public V1Alpha1ZkRsyncSession? Session(TestNamespace ns, string name) => Read<V1Alpha1ZkRsyncSession>(SessionType!, ns, name);

    public V1Job? Job(TestNamespace ns, string name) => Read<V1Job>(Type("batch", "v1", "jobs"), ns, name);

    public IReadOnlyList<V1Job> Jobs(TestNamespace ns) => List<V1Job>(Type("batch", "v1", "jobs"), ns);

    public V1Secret? Secret(TestNamespace ns, string name) => Read<V1Secret>(Type("", "v1", "secrets"), ns, name);

    public IReadOnlyList<Corev1Event> Events(TestNamespace ns) => List<Corev1Event>(Type("", "v1", "events"), ns);

    public V1NetworkPolicy? NetworkPolicy(TestNamespace ns, string name) => Read<V1NetworkPolicy>(Type("networking.k8s.io", "v1", "networkpolicies"), ns, name);

    public V1Lease? Lease(TestNamespace ns, string name) => Read<V1Lease>(Type("coordination.k8s.io", "v1", "leases"), ns, name);

    /// <summary>The session's ZooKeeper credentials, from the Secret the operator made.</summary>
    public ZooKeeperCredentials SessionCredentials(TestNamespace ns, string session)
    {
        var secret = Secret(ns, SessionNames.Secret(session)) ?? throw new InvalidOperationException($"no Secret {SessionNames.Secret(session)} in {ns}");
        return new ZooKeeperCredentials(
            Encoding.UTF8.GetString(secret.Data[WorkerDefaults.UserKey]), Encoding.UTF8.GetString(secret.Data[WorkerDefaults.PasswordKey]));
    }

    /// <summary>Waits until the session satisfies <paramref name="condition"/>; returns it then.</summary>
    public Task<V1Alpha1ZkRsyncSession> WaitForSessionAsync(TestNamespace ns, string name, Func<V1Alpha1ZkRsyncSession, bool> condition, string what, TimeSpan? timeout = null) =>
        Changes.WaitAsync(
            () => Session(ns, name) is { } s && condition(s) ? s : null,
            $"{ns}/{name}: {what}",
            () => Session(ns, name) is { } s ? KubernetesJson.Serialize(new { s.Metadata.Generation, s.Metadata.Finalizers, s.Metadata.DeletionTimestamp, s.Status }) : "gone",
            timeout);

    /// <summary>Applies <paramref name="manifest"/> (the session <paramref name="name"/>), waits for pass 1's master Job,
    /// plays the master owning the ZooKeeper session, and returns once the worker Jobs exist.</summary>
    public async Task<OwnedPass> StartOwnedPassAsync(TestNamespace ns, string name, string manifest)
    {
        ArgumentNullException.ThrowIfNull(ns);
        await Kubectl(ns).ApplyAsync(manifest).ConfigureAwait(false);
        var master = await WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Master)).ConfigureAwait(false);
        var session = await WaitForSessionAsync(ns, name, s => s.Status?.Pass == 1, "pass 1").ConfigureAwait(false);
        var zkSession = SessionNames.ZooKeeperSession(ns.Name, name, session.Metadata.Uid, 1);
        var played = await PlayedMaster.ConnectAsync(ZooKeeper.ConnectionString, zkSession, SessionCredentials(ns, name)).ConfigureAwait(false);
        try
        {
            await played.OwnSessionAsync().ConfigureAwait(false);
            var sources = await WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Sources)).ConfigureAwait(false);
            var destinations = await WaitForJobAsync(ns, SessionNames.Job(name, WorkerRole.Destinations)).ConfigureAwait(false);
            return new OwnedPass(session, zkSession, master, sources, destinations, played);
        }
        catch
        {
            await played.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<V1Job> WaitForJobAsync(TestNamespace ns, string name, Func<V1Job, bool>? condition = null, TimeSpan? timeout = null) =>
        Changes.WaitAsync(
            () => Job(ns, name) is { } j && (condition?.Invoke(j) ?? true) ? j : null,
            $"Job {ns}/{name}",
            () => string.Join(", ", Jobs(ns).Select(j => $"{j.Metadata.Name} (pass {SessionNames.PassOf(j.Metadata.Labels)}, suspend {j.Spec.Suspend})")),
            timeout);

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static V1Condition? ConditionOf(V1Alpha1ZkRsyncSession session, string type) =>
        session.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static bool HasCondition(V1Alpha1ZkRsyncSession session, string type, string status, string? reason = null) =>
        ConditionOf(session, type) is { } c && c.Status == status && (reason is null || c.Reason == reason)
        && c.ObservedGeneration == session.Metadata.Generation;

    /// <summary>Every request the operator made is one <see cref="OperatorPermissions"/> grants, and the server
    /// refused none (its service account has exactly those rules).</summary>
    public static void AssertPermitted(OperatorInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var requests = instance.Recorder.Requests.Where(r => r.IsResourceRequest).ToList();
        Assert.NotEmpty(requests);
        foreach (var request in requests)
        {
            var scope = request.Resource == "leases" ? PermissionScope.OperatorNamespace : PermissionScope.WatchedNamespaces;
            Assert.True(OperatorPermissions.Allows(scope, request.Verb, request.ApiGroup, request.Resource), $"not in OperatorPermissions: {request}");
            Assert.True(request.Status != System.Net.HttpStatusCode.Forbidden, $"refused: {request}");
        }
    }

    private ResourceType Type(string group, string version, string plural) =>
        Server.Resources.Registry.Find(group, version, plural) ?? throw new InvalidOperationException($"{plural}.{group} is not served");

    private T? Read<T>(ResourceType type, TestNamespace ns, string name) where T : class =>
        Server.Resources.Find(type, ns.Name, name) is { } json ? KubernetesJson.Deserialize<T>(json.ToJsonString()) : null;

    private List<T> List<T>(ResourceType type, TestNamespace ns) =>
        [.. Server.Resources.List(type, ns.Name, new LocalCluster.Api.ListOptions())["items"]!.AsArray()
            .Select(i => KubernetesJson.Deserialize<T>(i!.ToJsonString()))];

    private static IEnumerable<V1PolicyRule> Rules(PermissionScope scope) =>
        OperatorPermissions.All.Where(p => p.Scope == scope).Select(p => new V1PolicyRule
        {
            ApiGroups = [p.ApiGroup],
            Resources = [p.Resource],
            Verbs = [.. p.Verbs],
        });

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return all.Length <= lines ? text : $"[... {all.Length - lines} lines before]\n" + string.Join('\n', all[^lines..]);
    }

    private static InvalidOperationException NotInitialized() => new("The operator cluster fixture is not initialized.");
}
