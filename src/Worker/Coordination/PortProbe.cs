using System.Net;
using System.Net.Sockets;

namespace ZkSync.Worker.Coordination;

/// <summary>Whether a TCP port can be listened on at an address right now.</summary>
internal static class PortProbe
{
    /// <summary>Why <paramref name="address"/> cannot be listened on at all (not an address of this host: the
    /// socket's own message), or null; null also for a name, which the daemon resolves itself.</summary>
    public static string? AddressProblem(string address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(ip, 0));
            return null;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return exception.Message;
        }
    }

    /// <summary>False when binding <paramref name="address"/>:<paramref name="port"/> fails because the port is taken;
    /// true otherwise, also for an address that is not an IP literal (the daemon then says what is wrong).</summary>
    public static bool CanBind(string address, int port)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return true;
        }

        using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As rsync's daemon binds: a port whose old connections linger in TIME_WAIT is free.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(ip, port));
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }
}
