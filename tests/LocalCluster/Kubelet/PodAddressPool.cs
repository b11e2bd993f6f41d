using System.Net;

namespace ZkSync.LocalCluster.Kubelet;

/// <summary>
/// The pods' addresses: one 127.x.y.z each from a /24 of the loopback network (127.0.0.2-254 by default; .1 is the
/// host's and the API server's). Pods share the host's network, so a pod's processes bind its address; the pool hands
/// out the least recently released address first, so a name that still points at a gone pod reaches nothing rather
/// than its successor.
/// </summary>
public sealed class PodAddressPool
{
    private readonly Lock _gate = new();
    private readonly LinkedList<IPAddress> _free = new();
    private readonly HashSet<IPAddress> _used = [];

    public PodAddressPool(IPAddress network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var bytes = network.GetAddressBytes();
        if (bytes.Length != 4 || bytes[0] != 127)
        {
            throw new ArgumentException($"the pod network {network} must be a /24 of 127.0.0.0/8");
        }

        Network = new IPAddress([bytes[0], bytes[1], bytes[2], 0]);
        for (var host = 2; host <= 254; host++)
        {
            _free.AddLast(new IPAddress([bytes[0], bytes[1], bytes[2], (byte)host]));
        }
    }

    /// <summary>The /24 the pool allocates from (its .0).</summary>
    public IPAddress Network { get; }

    /// <summary>Every address the pool may hand out.</summary>
    public IEnumerable<IPAddress> Addresses
    {
        get
        {
            var bytes = Network.GetAddressBytes();
            return Enumerable.Range(2, 253).Select(host => new IPAddress([bytes[0], bytes[1], bytes[2], (byte)host]));
        }
    }

    /// <exception cref="InvalidOperationException">Every address is in use.</exception>
    public IPAddress Allocate()
    {
        lock (_gate)
        {
            var first = _free.First ?? throw new InvalidOperationException($"no pod address left in {Network}/24: 253 pods run");
            _free.RemoveFirst();
            _used.Add(first.Value);
            return first.Value;
        }
    }

    public void Release(IPAddress address)
    {
        lock (_gate)
        {
            if (_used.Remove(address))
            {
                _free.AddLast(address);
            }
        }
    }
}
