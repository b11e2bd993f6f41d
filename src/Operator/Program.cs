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

await app.RunAsync();
return 0;
