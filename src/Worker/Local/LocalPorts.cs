using System.Net;
using System.Net.Sockets;

namespace ZkSync.Worker.Local;

/// <summary>
/// Where a local run's rsync daemons listen. Each run has a private ZooKeeper, so its destinations cannot
/// see the ports another run (or anything else on this machine) holds: starting every run at the workers'
/// default 4444 made concurrent runs collide until a destination gave up. A run instead starts at a random
/// port below the ephemeral range whose next ports are all free now.
/// </summary>
internal static class LocalPorts
{
    private const int Lowest = 10000;
    private const int Highest = 30000;
    private const int Attempts = 100;

    /// <summary>The first of <paramref name="count"/> consecutive ports free on 127.0.0.1 (the workers' default when none is found).</summary>
    public static int FreeBlock(int count)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var start = Random.Shared.Next(Lowest, Highest - count);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }

        return 4444;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
