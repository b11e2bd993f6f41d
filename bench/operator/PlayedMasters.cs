using System.Text;
using k8s;
using ZkSync.Contracts;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Benchmarks.Operator;

/// <summary>
/// Plays the master of some sessions in ZooKeeper, as our zkrsync master does while it runs: each session's
/// <c>S/progress</c> document rewritten every <c>interval</c> with one more path done, with the session's own digest
/// credentials (from the Secret the operator made) and their ACL. One client carries every session's credentials.
/// </summary>
internal sealed class PlayedMasters : IAsyncDisposable
{
    private readonly ZooKeeperClient _client;
    private readonly IReadOnlyList<(string Name, string ZkSession, IReadOnlyList<Acl> Acl)> _sessions;

    private PlayedMasters(ZooKeeperClient client, IReadOnlyList<(string, string, IReadOnlyList<Acl>)> sessions)
    {
        _client = client;
        _sessions = sessions;
    }

    public IEnumerable<string> Names => _sessions.Select(s => s.Name);

    /// <summary>Connects with the credentials of each of <paramref name="names"/> (its Secret and status.zookeeperPath
    /// read through the API as the admin).</summary>
    public static async Task<PlayedMasters> ConnectAsync(IKubernetes admin, string ns, string servers, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var client = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers }, cancellationToken);
        var sessions = new List<(string, string, IReadOnlyList<Acl>)>();
        foreach (var name in names)
        {
            var secret = await admin.CoreV1.ReadNamespacedSecretAsync(name + "-zkrsync", ns, cancellationToken: cancellationToken);
            var (user, password) = (Encoding.UTF8.GetString(secret.Data["user"]), Encoding.UTF8.GetString(secret.Data["password"]));
            await client.AddDigestAuthAsync(user, password, cancellationToken);
            var session = (System.Text.Json.JsonElement)await admin.CustomObjects.GetNamespacedCustomObjectAsync("zksync.io", "v1alpha1", ns, "zkrsyncsessions", name, cancellationToken);
            var path = session.GetProperty("status").GetProperty("zookeeperPath").GetString()!;
            sessions.Add((name, path[(path.LastIndexOf('/') + 1)..], [Acl.Digest(user, password, Permissions.All)]));
        }

        return new PlayedMasters(client, sessions);
    }

    /// <summary>Writes every session's progress every <paramref name="interval"/> until cancelled.</summary>
    public async Task ReportAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        const long Total = 1_000_000;
        var started = DateTimeOffset.UtcNow;
        using var ticks = new PeriodicTimer(interval);
        for (long done = 1; ; done++)
        {
            foreach (var (_, zkSession, acl) in _sessions)
            {
                var progress = new SessionProgress(Total, WalkDone: true, done, 0, Total - done, 2,
                    new Dictionary<string, long> { [ZnodeLayout.StatKeys[0]] = done, [ZnodeLayout.StatKeys[2]] = done * 4096 },
                    [], (DateTimeOffset.UtcNow - started).TotalSeconds, DateTimeOffset.UtcNow, "10.0.0.1:1");
                await WriteAsync(ZnodeLayout.Progress(zkSession), progress.ToJsonBytes(), acl, cancellationToken);
            }

            if (!await ticks.WaitForNextTickAsync(cancellationToken))
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task WriteAsync(string path, byte[] data, IReadOnlyList<Acl> acl, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SetDataAsync(path, data, cancellationToken: cancellationToken);
        }
        catch (NoNodeException)
        {
            await _client.CreateAsync(path, data, acl, cancellationToken: cancellationToken);
        }
    }
}
