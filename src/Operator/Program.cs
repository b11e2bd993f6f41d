using Microsoft.Extensions.Hosting;
using ZkSync.Operator;

// zksync-operator: reconciles ZkRsyncSession resources into zkrsync worker Jobs (see OperatorHost for configuration).
if (args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(OperatorHost.HelpText);
    return 0;
}

var app = OperatorHost.Build(args, out var problems);
if (app is null)
{
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync("zksync-operator: " + problem);
    }

    return 2;
}

try
{
    await app.RunAsync();
}
catch (InvalidOperationException e) when (e.InnerException is System.Net.Sockets.SocketException)
{
    // The endpoints' address or port cannot be bound: one line, not a stack trace.
    await Console.Error.WriteLineAsync("zksync-operator: " + e.Message);
    return 1;
}

return 0;
