using System.Globalization;
using System.Text;

namespace ZkSync.Testing;

/// <summary>
/// A real ZooKeeper 3.8 ensemble: three (or more) <see cref="ZooKeeperServer"/> members on loopback,
/// each with its own client, quorum and election ports, data directory (with <c>myid</c>) and zoo.cfg.
/// Members can be stopped, killed and started again individually, to test failover.
/// </summary>
public sealed class ZooKeeperEnsemble : IAsyncDisposable
{
    private static readonly TimeSpan ProbeDelay = TimeSpan.FromMilliseconds(200);

    private readonly ZooKeeperServerOptions _options;
    private readonly string _directory;
    private readonly ZooKeeperServer[] _members;
    private bool _disposed;

    /// <summary>Prepares <paramref name="size"/> members; call <see cref="StartAsync"/> (or use <see cref="StartNewAsync"/>).</summary>
    public ZooKeeperEnsemble(ZooKeeperServerOptions? options = null, int size = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 3);
        _options = options ?? ZooKeeperServerOptions.Default;
        _directory = Directory.CreateTempSubdirectory("zksync-ensemble-").FullName;

        var ports = FreePort.Reserve(size * 3);
        var quorum = Enumerable.Range(0, size)
            .Select(i => (Id: i + 1, QuorumPort: ports[(i * 3) + 1], ElectionPort: ports[(i * 3) + 2]))
            .ToArray();
        _members = new ZooKeeperServer[size];
        for (var i = 0; i < size; i++)
        {
            var id = i + 1;
            var name = string.Create(CultureInfo.InvariantCulture, $"zk{id}");
            var memberDirectory = Path.Combine(_directory, name);
            var dataDirectory = Path.Combine(memberDirectory, "data");
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(Path.Combine(dataDirectory, "myid"), id.ToString(CultureInfo.InvariantCulture) + "\n");
            var configPath = Path.Combine(memberDirectory, "zoo.cfg");
            File.WriteAllText(configPath, ZooKeeperConfigFile.Build(_options, dataDirectory, ports[i * 3], quorum));
            _members[i] = new ZooKeeperServer(_options, name, ports[i * 3], dataDirectory, configPath);
        }
    }

    /// <summary>The members; <c>Members[i].Name</c> is "zk{i+1}" and its <c>myid</c> is i+1.</summary>
    public IReadOnlyList<ZooKeeperServer> Members => _members;

    /// <summary>"127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3".</summary>
    public string ConnectionString => string.Join(',', _members.Select(member => member.ConnectionString));

    /// <summary>All members' logs, one after another, each under a header line.</summary>
    public string Log
    {
        get
        {
            var text = new StringBuilder();
            foreach (var member in _members)
            {
                text.Append("########## ").Append(member.Name).Append(" (").Append(member.ConnectionString).Append(") ##########\n");
                text.Append(member.Log);
            }

            return text.ToString();
        }
    }

    /// <summary>Prepares and starts an ensemble, waiting until a quorum serves.</summary>
    public static async Task<ZooKeeperEnsemble> StartNewAsync(ZooKeeperServerOptions? options, CancellationToken cancellationToken)
    {
        var ensemble = new ZooKeeperEnsemble(options);
        try
        {
            await ensemble.StartAsync(cancellationToken).ConfigureAwait(false);
            return ensemble;
        }
        catch
        {
            await ensemble.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts every member that is not running and waits until they form a quorum.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await Task.WhenAll(_members.Where(member => !member.IsRunning).Select(member => member.StartAsync(cancellationToken)))
            .ConfigureAwait(false);
        await WaitForQuorumAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the ensemble serves: among the running members exactly one says
    /// <c>Mode: leader</c> and all others <c>Mode: follower</c> (<c>srvr</c>), and they are a
    /// majority of the ensemble. Returns the leader. A member that was just started again is waited
    /// for too, so after this it has rejoined. Throws <see cref="InvalidOperationException"/> at once
    /// when fewer than a majority run, <see cref="TimeoutException"/> after
    /// <see cref="ZooKeeperServerOptions.StartTimeout"/>.
    /// </summary>
    public async Task<ZooKeeperServer> WaitForQuorumAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        var modes = Array.Empty<(ZooKeeperServer Member, string? Mode)>();
        try
        {
            while (true)
            {
                var running = _members.Where(member => member.IsRunning).ToArray();
                if (running.Length <= _members.Length / 2)
                {
                    throw new InvalidOperationException(
                        $"Only {running.Length} of {_members.Length} ZooKeeper members run: no quorum is possible.");
                }

                modes = await Task.WhenAll(running.Select(async member =>
                    (Member: member, Mode: await member.GetModeAsync(timeout.Token).ConfigureAwait(false)))).ConfigureAwait(false);
                var leaders = modes.Where(m => m.Mode == "leader").ToArray();
                if (leaders.Length == 1 && modes.All(m => m.Mode is "leader" or "follower"))
                {
                    return leaders[0].Member;
                }

                await Task.Delay(ProbeDelay, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seen = string.Join(", ", modes.Select(m => $"{m.Member.Name}={m.Mode ?? "not serving"}"));
            throw new TimeoutException(
                $"The ZooKeeper ensemble formed no quorum within {_options.StartTimeout} (last seen: {seen}).\n{Log}");
        }
    }

    /// <summary>Kills every member and deletes the ensemble's temp directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var member in _members)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
