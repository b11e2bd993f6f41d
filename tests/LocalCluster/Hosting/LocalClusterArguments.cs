using System.Globalization;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>The command line of the local cluster's executable.</summary>
public sealed record LocalClusterArguments(string KubeconfigPath, int Port, bool Verbose)
{
    public const string Usage =
        "usage: dotnet run --project tests/LocalCluster -- --kubeconfig PATH [--port N] [--verbose]\n" +
        "  --kubeconfig PATH  where to write the admin kubeconfig once the server serves (required)\n" +
        "  --port N           the 127.0.0.1 port to serve HTTPS on (default: a free one)\n" +
        "  --verbose          log every refused request";

    /// <summary>Parses the arguments; null when they are not valid (the caller prints <see cref="Usage"/>).</summary>
    public static LocalClusterArguments? Parse(IReadOnlyList<string> args)
    {
        string? kubeconfig = null;
        var port = 0;
        var verbose = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--kubeconfig" when i + 1 < args.Count:
                    kubeconfig = args[++i];
                    break;
                case "--port" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p < 65536:
                    port = p;
                    i++;
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                default:
                    return null;
            }
        }

        return kubeconfig is null ? null : new LocalClusterArguments(kubeconfig, port, verbose);
    }
}
