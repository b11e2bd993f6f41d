using System.Globalization;
using ZkSync.LocalCluster.Kubelet;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>The command line of the local cluster's executable.</summary>
public sealed partial record LocalClusterArguments(string KubeconfigPath, int Port, bool Verbose)
{
    public const string Usage =
        "usage: dotnet run --project tests/LocalCluster -- --kubeconfig PATH [--port N] [--image REF=DIR]... [--node NAME]... [--data-dir DIR] [--verbose]\n" +
        "  --kubeconfig PATH  where to write the admin kubeconfig once the cluster serves (required)\n" +
        "  --port N           the 127.0.0.1 port to serve HTTPS on (default: a free one)\n" +
        "  --image REF=DIR    run image REF from host directory DIR (its executables; DIR/image.json gives\n" +
        "                     {\"entrypoint\": [...], \"cmd\": [...]}); repeatable; REF also matches normalised\n" +
        "                     (docker.io/library/, :latest); pods of unmapped images wait with ErrImagePull\n" +
        "  --node NAME        a node the kubelet registers and runs pods for; repeatable (default: node-1, node-2, node-3)\n" +
        "  --data-dir DIR     where pods' files and provisioned volumes live (default: a temporary directory);\n" +
        "                     what the cluster makes there is removed when it stops\n" +
        "  --verbose          log every refused request and the controllers' work";

    public IReadOnlyList<ImageMapping> Images { get; init; } = [];

    public IReadOnlyList<string> Nodes { get; init; } = [];

    public string? DataDirectory { get; init; }

    /// <summary>Parses the arguments; null when they are not valid (the caller prints <see cref="Usage"/>).</summary>
    /// <exception cref="ArgumentException">An argument that is well-formed but wrong (an image directory that does not
    /// exist, a node named twice), with a one-line message.</exception>
    public static LocalClusterArguments? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? kubeconfig = null;
        string? dataDirectory = null;
        var port = 0;
        var verbose = false;
        var images = new List<ImageMapping>();
        var nodes = new List<string>();
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
                case "--image" when i + 1 < args.Count:
                    images.Add(ImageMapping.Parse(args[++i]));
                    break;
                case "--node" when i + 1 < args.Count:
                    var node = args[++i];
                    if (!NodeName().IsMatch(node) || node.Length > 253)
                    {
                        throw new ArgumentException($"--node {node}: a node name is lower-case letters, digits, '-' and '.' (a DNS subdomain)");
                    }

                    if (nodes.Contains(node))
                    {
                        throw new ArgumentException($"--node {node}: node names must be unique");
                    }

                    nodes.Add(node);
                    break;
                case "--data-dir" when i + 1 < args.Count:
                    dataDirectory = args[++i];
                    break;
                case "--verbose":
                    verbose = true;
                    break;
                default:
                    return null;
            }
        }

        return kubeconfig is null
            ? null
            : new LocalClusterArguments(kubeconfig, port, verbose) { Images = images, Nodes = nodes, DataDirectory = dataDirectory };
    }

    /// <summary>The cluster these arguments describe.</summary>
    public LocalClusterOptions ToOptions(Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging) => new()
    {
        ApiServer = new LocalApiServerOptions { Port = Port },
        Images = Images,
        Nodes = Nodes.Count == 0 ? LocalNode.Defaults : Nodes.Select(n => new LocalNode(n)).ToList(),
        DataDirectory = DataDirectory,
        ConfigureLogging = logging,
    };

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial System.Text.RegularExpressions.Regex NodeName();
}
