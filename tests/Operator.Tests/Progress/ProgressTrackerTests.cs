using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using ZkSync.Contracts;
using ZkSync.Operator.Progress;
using ZkSync.Operator.ZooKeeper;
using ZkSync.Testing;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Operator.Tests.Progress;

/// <summary>
/// The operator's ZooKeeper side against a real server: session nodes made with digest ACLs, progress followed from
/// what our master writes (S/progress, S/summary) and from the original layout's queues, cleanup, and a server that
/// goes away and comes back. The "workers" here write with our client exactly as zkrsync does (session credentials,
/// its ACL on every node).
/// </summary>
public sealed class ProgressTrackerTests : IClassFixture<ZooKeeperServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly ZooKeeperCredentials Admin = new("zksync-operator", "admin-secret");

    private readonly ZooKeeperServerFixture _zk;
    private readonly ITestOutputHelper _output;
    private readonly ZooKeeperConnections _connections;
    private readonly SessionZnodes _znodes;
    private readonly ProgressTracker _tracker;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly string _session = "ns-home-" + Guid.NewGuid().ToString("N")[..8] + "-1";
    private readonly ZooKeeperCredentials _credentials = new("zkrs-ns-home", Guid.NewGuid().ToString("N"));

    public ProgressTrackerTests(ZooKeeperServerFixture zk, ITestOutputHelper output)
    {
        _zk = zk;
        _output = output;
        _connections = new ZooKeeperConnections(Admin, new ZooKeeperConnectionSettings(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3)), NullLoggerFactory.Instance);
        _znodes = new SessionZnodes(_connections, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger<SessionZnodes>.Instance);
        _tracker = new ProgressTracker(_connections, _ => _changed.Release(), TimeProvider.System, NullLogger<ProgressTracker>.Instance);
    }

    private string Servers => _zk.ConnectionString;

    private string S => ZnodeLayout.Session(_session);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _tracker.DisposeAsync();
        await _connections.DisposeAsync();
        _changed.Dispose();
    }

    /// <summary>A zkrsync worker's client: the session's digest auth, its ACL on every node it makes.</summary>
    private async Task<(ZooKeeperClient Client, IReadOnlyList<Acl> Acl)> WorkerAsync(ZooKeeperCredentials? credentials = null)
    {
        credentials ??= _credentials;
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = Servers });
        await client.AddDigestAuthAsync(credentials.User, credentials.Password);
        return (client, [Acl.Digest(credentials.User, credentials.Password, Permissions.All)]);
    }

    private async Task<ZooKeeperObservation> WaitForAsync(Func<ZooKeeperObservation, bool> done)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if (_tracker.Observation("ns/home") is { } observation && done(observation))
            {
                return observation;
            }

            await _changed.WaitAsync(timeout.Token);
        }
    }

    private static SessionProgress Progress(long completed) => new(
        10, true, completed, 1, 10 - completed - 1, 2, new Dictionary<string, long> { ["Number_of_files"] = completed * 10 },
        [new FailedPath("/data/source/bad", "permission denied")], 3.5, DateTimeOffset.UnixEpoch.AddDays(1), "10.0.0.9:12");

    [Fact]
    public Task EnsureSession_GivesTheSessionRightsOnItsNodeOnly() => _zk.RunWithLogOnFailureAsync(_output, async () =>
    {
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None);
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None); // idempotent

        var (worker, acl) = await WorkerAsync();
        await using (worker)
        {
            var admin = await _connections.GetAsync(Servers, CancellationToken.None);
            var baseAcl = await admin.GetAclAsync(ZnodeLayout.RsyncBase);
            Assert.Equal([Acl.DigestId(Admin.User, Admin.Password)], baseAcl.Acl.Select(a => a.Id));
            var sessionAcl = (await worker.GetAclAsync(S)).Acl.Select(a => (a.Id, a.Permissions)).ToList();
            Assert.Contains((Acl.DigestId(_credentials.User, _credentials.Password), Permissions.All), sessionAcl);
            Assert.Contains((Acl.DigestId(Admin.User, Admin.Password), Permissions.All), sessionAcl);

            // The worker builds its tree under S (zkrsync's ensure_path stops at the existing S) ...
            await worker.EnsurePathAsync(ZnodeLayout.Ready(_session), acl);
            // ... but can neither make another session, list the others, nor read the session tree's ACLs.
            await Assert.ThrowsAsync<NoAuthException>(() => worker.CreateAsync(ZnodeLayout.Session("other"), ReadOnlyMemory<byte>.Empty, acl));
            await Assert.ThrowsAsync<NoAuthException>(() => worker.GetChildrenAsync(ZnodeLayout.RsyncBase));
            await Assert.ThrowsAsync<NoAuthException>(() => worker.GetAclAsync(ZnodeLayout.RsyncBase));
        }
    });

    [Fact]
    public Task Tracker_FollowsReadyProgressAndSummary_AsOurMasterWritesThem() => _zk.RunWithLogOnFailureAsync(_output, async () =>
    {
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None);
        _tracker.Follow("ns/home", Servers, _session, _credentials, TimeSpan.FromMilliseconds(200));
        Assert.True(_tracker.IsFollowing("ns/home", _session));
        Assert.False((await WaitForAsync(_ => true)).ReadyExists);

        var (master, acl) = await WorkerAsync();
        await using (master)
        {
            await master.EnsurePathAsync(ZnodeLayout.Watch(_session), acl);
            await master.CreateAsync(ZnodeLayout.Ready(_session), Encoding.ASCII.GetBytes(ZnodeLayout.ReadyStart), acl);
            Assert.True((await WaitForAsync(o => o.ReadyExists)).ReadyExists);

            await master.CreateAsync(ZnodeLayout.Progress(_session), Progress(3).ToJsonBytes(), acl);
            var first = await WaitForAsync(o => o.Progress is not null);
            Assert.Equal((3, 1, 6, "10.0.0.9:12"), (first.Progress!.PathsCompleted, first.Progress.PathsFailed, first.Progress.PathsRemaining, first.Progress.Master));
            Assert.Equal(30, first.Progress.Stats["Number_of_files"]);
            Assert.Equal("permission denied", Assert.Single(first.Progress.FailedPaths).Error);

            await master.SetDataAsync(ZnodeLayout.Progress(_session), Progress(8).ToJsonBytes());
            Assert.Equal(8, (await WaitForAsync(o => o.Progress?.PathsCompleted == 8)).Progress!.PathsCompleted);

            // The master ends: ready is deleted with the queues, the summary stays for the operator.
            await master.DeleteAsync(ZnodeLayout.Ready(_session));
            var summary = new SessionSummaryDocument(_session, 9, 1, 0, [new FailedPath("/data/source/bad", "permission denied")],
                new Dictionary<string, long>(), 12.5, ExitCodes.PathsFailed, SessionEndReason.PathsFailed, "1 path failed", DateTimeOffset.UnixEpoch);
            await master.CreateAsync(ZnodeLayout.Summary(_session), Encoding.UTF8.GetBytes(summary.ToJson()), acl);
            var ended = await WaitForAsync(o => o.Summary is not null);
            Assert.Equal((SessionEndReason.PathsFailed, 9L, "1 path failed"), (ended.Summary!.Reason, ended.Summary.PathsCompleted, ended.Summary.Message));
            Assert.True(ended.ReadyExists); // it existed during the pass
            Assert.Null(ended.Error);
        }
    });

    [Fact]
    public Task Tracker_CountsTheQueues_OfAnOriginalMasterThatWritesNoProgress() => _zk.RunWithLogOnFailureAsync(_output, async () =>
    {
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None);
        var (master, acl) = await WorkerAsync();
        await using (master)
        {
            await master.EnsurePathAsync(ZnodeLayout.Watch(_session), acl);
            await master.CreateAsync(ZnodeLayout.Ready(_session), Encoding.ASCII.GetBytes(ZnodeLayout.ReadyStart), acl);
            var options = new RecipeOptions { Acl = acl };
            var paths = new LockingQueue(master, ZnodeLayout.PathQueue(_session), options);
            var completed = new LockingQueue(master, ZnodeLayout.CompletedQueue(_session), options);
            var failed = new LockingQueue(master, ZnodeLayout.FailedQueue(_session), options);
            for (var i = 0; i < 5; i++)
            {
                await paths.PutAsync(Encoding.UTF8.GetBytes($"0_/data/source/d{i}"));
            }

            for (var i = 0; i < 3; i++)
            {
                await completed.PutAsync(Encoding.UTF8.GetBytes($"1_/data/source/c{i}"));
            }

            await failed.PutAsync(Encoding.UTF8.GetBytes("1_/data/source/f_0"));
            await master.EnsurePathAsync(ZnodeLayout.Stats(_session), acl);
            await master.CreateAsync(ZnodeLayout.Stat(_session, "Number_of_files"), Encoding.ASCII.GetBytes("42"), acl);
            await master.CreateAsync(ZnodeLayout.Stat(_session, "Total_file_size"), ReadOnlyMemory<byte>.Empty, acl);

            _tracker.Follow("ns/home", Servers, _session, _credentials, TimeSpan.FromMilliseconds(200));

            var counted = await WaitForAsync(o => o.Queues is not null);
            Assert.Equal((5L, 3L, 1L), (counted.Queues!.Remaining, counted.Queues.Completed, counted.Queues.Failed));
            Assert.Equal(42, counted.Queues.Stats["Number_of_files"]);
            Assert.Equal(0, counted.Queues.Stats["Total_file_size"]);
            var failedPath = Assert.Single(counted.Queues.FailedPaths);
            Assert.Equal(("/data/source/f_0", QueueCounter.UnknownError), (failedPath.Path, failedPath.Error));
            Assert.Null(counted.Progress);

            // A source takes and consumes an entry: the next count shows it.
            var taken = await paths.GetAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(taken);
            await completed.PutAsync(taken);
            await paths.ConsumeAsync();
            var next = await WaitForAsync(o => o.Queues?.Remaining == 4);
            Assert.Equal(4L, next.Queues!.Completed);
        }
    });

    [Fact]
    public Task DeleteSessions_RemovesEveryPassOfTheResource_WithTheWorkersNodes_AndNothingElse() => _zk.RunWithLogOnFailureAsync(_output, async () =>
    {
        var prefix = _session[..^1];
        var pass2 = prefix + "2";
        var other = "ns-other-" + Guid.NewGuid().ToString("N")[..8] + "-1";
        var otherCredentials = new ZooKeeperCredentials("zkrs-ns-other", "pw");
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None);
        await _znodes.EnsureSessionAsync(Servers, pass2, _credentials, CancellationToken.None);
        await _znodes.EnsureSessionAsync(Servers, other, otherCredentials, CancellationToken.None);
        var (worker, acl) = await WorkerAsync();
        await using (worker)
        {
            await worker.EnsurePathAsync(ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(_session)), acl);
            await worker.CreateAsync(ZnodeLayout.QueueEntriesPath(ZnodeLayout.PathQueue(_session)) + "/entry-100-", Encoding.UTF8.GetBytes("0_/x"), acl, CreateMode.PersistentSequential);
            await worker.EnsurePathAsync(ZnodeLayout.Stats(pass2), acl);
        }

        Assert.Equal(2, await _znodes.DeleteSessionsAsync(Servers, prefix, _credentials, CancellationToken.None));
        Assert.Equal(0, await _znodes.DeleteSessionsAsync(Servers, prefix, _credentials, CancellationToken.None));

        var client = await _connections.GetAsync(Servers, CancellationToken.None);
        Assert.Null(await client.ExistsAsync(S));
        Assert.Null(await client.ExistsAsync(ZnodeLayout.Session(pass2)));
        Assert.NotNull(await client.ExistsAsync(ZnodeLayout.Session(other)));
        await _znodes.DeleteSessionAsync(Servers, other, otherCredentials, CancellationToken.None);
        Assert.Null(await client.ExistsAsync(ZnodeLayout.Session(other)));
    });

    [Fact]
    public Task Tracker_ReportsZooKeeperAway_AndFollowsAgainWhenItIsBack() => _zk.RunWithLogOnFailureAsync(_output, async () =>
    {
        await _znodes.EnsureSessionAsync(Servers, _session, _credentials, CancellationToken.None);
        _tracker.Follow("ns/home", Servers, _session, _credentials, TimeSpan.FromMilliseconds(200));
        await WaitForAsync(o => o.Error is null);

        await _zk.Server.StopAsync(CancellationToken.None);
        try
        {
            Assert.Contains("disconnected", (await WaitForAsync(o => o.Error is not null)).Error, StringComparison.Ordinal);
        }
        finally
        {
            await _zk.Server.StartAsync(CancellationToken.None);
        }

        await WaitForAsync(o => o.Error is null);
        var (master, acl) = await WorkerAsync();
        await using (master)
        {
            await master.CreateAsync(ZnodeLayout.Progress(_session), Progress(5).ToJsonBytes(), acl);
            Assert.Equal(5, (await WaitForAsync(o => o.Progress is not null)).Progress!.PathsCompleted);
        }
    });

    [Fact]
    public async Task StopAsync_EndsFollowing()
    {
        _tracker.Follow("ns/home", Servers, _session, _credentials, TimeSpan.FromMilliseconds(200));
        await _tracker.StopAsync("ns/home");

        Assert.Null(_tracker.Observation("ns/home"));
        Assert.Equal(0, _tracker.Count);
    }
}
