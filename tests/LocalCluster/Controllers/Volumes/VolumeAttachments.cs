namespace ZkSync.LocalCluster.Controllers.Volumes;

/// <summary>
/// Which single-node volumes (ReadWriteOnce, ReadWriteOncePod) are attached to which node: the attach/detach
/// controller writes it, the kubelet waits on it before it mounts such a volume (as the real kubelet waits for the
/// controller to report the volume attached to its node).
/// </summary>
public sealed class VolumeAttachments
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _attached = new(StringComparer.Ordinal);

    /// <summary>Raised after attachments changed (outside any lock).</summary>
    public event Action? Changed;

    public bool IsAttached(string volume, string node)
    {
        lock (_gate)
        {
            return _attached.TryGetValue(volume, out var attachedTo) && attachedTo == node;
        }
    }

    public string? NodeOf(string volume)
    {
        lock (_gate)
        {
            return _attached.GetValueOrDefault(volume);
        }
    }

    /// <summary>Replaces every attachment (volume → node).</summary>
    public void Set(IReadOnlyDictionary<string, string> attachments)
    {
        lock (_gate)
        {
            if (_attached.Count == attachments.Count && attachments.All(a => _attached.TryGetValue(a.Key, out var n) && n == a.Value))
            {
                return;
            }

            _attached.Clear();
            foreach (var (volume, node) in attachments)
            {
                _attached[volume] = node;
            }
        }

        Changed?.Invoke();
    }
}
