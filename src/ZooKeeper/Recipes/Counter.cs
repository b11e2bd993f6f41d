using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// kazoo's integer <c>Counter</c>: the node (ensured first, empty data) holds the value as ASCII
/// decimal (Python's <c>repr</c> of an int; empty means <see cref="DefaultValue"/>). A change reads
/// value and version, writes the sum with that version, and starts over on BadVersion. After a lost reply
/// the write counts as applied when the node holds its bytes at the next version; when others changed the
/// counter meanwhile that cannot be told, and the change is made again. Exact counts under concurrency need
/// the write in a transaction with a <see cref="VersionMarker"/> (zkrsync's stats do that).
/// </summary>
public sealed class Counter
{
    private readonly ZooKeeperClient _client;
    private readonly RecipeOptions _options;
    private readonly ILogger _logger;
    private bool _pathEnsured;

    public Counter(ZooKeeperClient client, string path, long defaultValue = 0, RecipeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        PathValidation.ValidatePath(path);
        _client = client;
        _options = options ?? RecipeOptions.Default;
        _logger = _options.LoggerFactory.CreateLogger<Counter>();
        Path = path;
        DefaultValue = defaultValue;
    }

    public string Path { get; }

    /// <summary>The value an empty node stands for.</summary>
    public long DefaultValue { get; }

    public async Task<long> GetValueAsync(CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        var data = await _options.RetryPolicy.ExecuteAsync(
            token => _client.GetDataAsync(Path, null, token), cancellationToken).ConfigureAwait(false);
        return Parse(data.Data);
    }

    /// <summary>Adds <paramref name="delta"/> atomically and returns the new value.</summary>
    public async Task<long> AddAsync(long delta, CancellationToken cancellationToken = default)
    {
        await EnsurePathAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var current = await _options.RetryPolicy.ExecuteAsync(
                token => _client.GetDataAsync(Path, null, token), cancellationToken).ConfigureAwait(false);
            var next = checked(Parse(current.Data) + delta);
            var written = Encoding.ASCII.GetBytes(next.ToString(CultureInfo.InvariantCulture));
            try
            {
                // The write may apply with its reply lost: it did exactly when the node now holds our bytes at the next version.
                var applied = await _options.RetryPolicy.ExecuteAsync(
                    async token =>
                    {
                        await _client.SetDataAsync(Path, written, current.Stat.Version, token).ConfigureAwait(false);
                        return true;
                    },
                    async token =>
                    {
                        await _client.SyncAsync(Path, token).ConfigureAwait(false);
                        var now = await _client.GetDataAsync(Path, null, token).ConfigureAwait(false);
                        return Settlement<bool>.Known(now.Stat.Version == current.Stat.Version + 1 && now.Data.AsSpan().SequenceEqual(written));
                    },
                    cancellationToken).ConfigureAwait(false);
                if (applied)
                {
                    return next;
                }
            }
            catch (BadVersionException)
            {
                _logger.LogDebug("Counter {Path}: concurrent change, retrying", Path);
            }
        }
    }

    /// <summary>Subtracts <paramref name="delta"/> atomically and returns the new value.</summary>
    public Task<long> SubtractAsync(long delta, CancellationToken cancellationToken = default) =>
        AddAsync(checked(-delta), cancellationToken);

    /// <summary>Python's <c>int(data.decode("ascii"))</c> for the decimals kazoo writes; empty is the default.</summary>
    private long Parse(byte[] data)
    {
        if (data.Length == 0)
        {
            return DefaultValue;
        }

        var text = Encoding.ASCII.GetString(data);
        return long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"The counter {Path} holds \"{text}\", not an integer.");
    }

    private async Task EnsurePathAsync(CancellationToken cancellationToken)
    {
        if (!_pathEnsured)
        {
            await _client.EnsurePathAsync(Path, _options.Acl, _options.RetryPolicy, cancellationToken).ConfigureAwait(false);
            _pathEnsured = true;
        }
    }
}
