using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Hosting;

// The local Kubernetes, started by hand: API server, controllers and kubelet; serves until SIGTERM or Ctrl-C.
//   dotnet run --project tests/LocalCluster -- --kubeconfig PATH [--image REF=DIR]... [--node NAME]... (see --help)
LocalClusterArguments? arguments;
try
{
    arguments = LocalClusterArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"local-cluster: {e.Message}");
    return 2;
}

if (arguments is null)
{
    Console.Error.WriteLine(LocalClusterArguments.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

LocalClusterHost cluster;
try
{
    cluster = await LocalClusterHost.StartAsync(arguments.ToOptions(logging => logging
        .AddSimpleConsole(console => console.SingleLine = true)
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace) // stdout carries only the banner
        .SetMinimumLevel(arguments.Verbose ? LogLevel.Debug : LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)), stop.Token);
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"local-cluster: {e.Message}");
    return 1;
}

await using (cluster)
{
    cluster.WriteKubeconfig(arguments.KubeconfigPath);
    Console.WriteLine($"local API server at {cluster.Url.GetLeftPart(UriPartial.Authority)}; kubeconfig written to {Path.GetFullPath(arguments.KubeconfigPath)}");
    Console.WriteLine($"data directory {cluster.Paths.DataDirectory}; nodes {string.Join(", ", arguments.ToOptions(null).Nodes.Select(n => n.Name))}");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }

    Console.WriteLine("stopping");
}

return 0;
