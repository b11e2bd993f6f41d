using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Hosting;

// The local Kubernetes API server, started by hand: serves until SIGTERM or Ctrl-C.
//   dotnet run --project tests/LocalCluster -- --kubeconfig PATH [--port N] [--verbose]
var options = LocalClusterArguments.Parse(args);
if (options is null)
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

await using var server = await LocalApiServer.StartAsync(new LocalApiServerOptions
{
    Port = options.Port,
    ConfigureLogging = logging => logging.AddSimpleConsole(console => console.SingleLine = true)
        .SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning),
}, stop.Token);
server.WriteKubeconfig(options.KubeconfigPath);
Console.WriteLine($"local API server at {server.Url.GetLeftPart(UriPartial.Authority)}; kubeconfig written to {Path.GetFullPath(options.KubeconfigPath)}");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

Console.WriteLine("stopping");
return 0;
