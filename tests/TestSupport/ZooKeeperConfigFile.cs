using System.Globalization;
using System.Text;

namespace ZkSync.Testing;

/// <summary>Writes a zoo.cfg for a standalone server or an ensemble member.</summary>
internal static class ZooKeeperConfigFile
{
    /// <param name="quorum">For an ensemble member: each member's id and ports; null when standalone.</param>
    public static string Build(
        ZooKeeperServerOptions options,
        string dataDirectory,
        int clientPort,
        IReadOnlyList<(int Id, int QuorumPort, int ElectionPort)>? quorum)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tickTime"] = Milliseconds(options.TickTime),
            ["dataDir"] = dataDirectory,
            ["clientPort"] = clientPort.ToString(CultureInfo.InvariantCulture),
            ["clientPortAddress"] = "127.0.0.1",
            ["minSessionTimeout"] = Milliseconds(options.MinSessionTimeout),
            ["maxSessionTimeout"] = Milliseconds(options.MaxSessionTimeout),
            ["admin.enableServer"] = "false",
            ["4lw.commands.whitelist"] = "*",
            ["forceSync"] = options.ForceSync ? "yes" : "no",
            ["preAllocSize"] = "4096",
            ["autopurge.purgeInterval"] = "0",
        };
        if (quorum is not null)
        {
            settings["initLimit"] = options.InitLimitTicks.ToString(CultureInfo.InvariantCulture);
            settings["syncLimit"] = options.SyncLimitTicks.ToString(CultureInfo.InvariantCulture);
            settings["standaloneEnabled"] = "false";
            settings["reconfigEnabled"] = "false";
            foreach (var (id, quorumPort, electionPort) in quorum)
            {
                settings[string.Create(CultureInfo.InvariantCulture, $"server.{id}")] =
                    string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{quorumPort}:{electionPort}");
            }
        }

        foreach (var (key, value) in options.ExtraSettings)
        {
            settings[key] = value;
        }

        var text = new StringBuilder();
        foreach (var (key, value) in settings)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return text.ToString();
    }

    private static string Milliseconds(TimeSpan value) =>
        ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
