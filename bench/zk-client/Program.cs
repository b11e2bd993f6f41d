using ZkSync.Benchmarks.ZkClient;

// A benchmark: it exits 0 whether or not the targets are met, and non-zero only when it could not run.
BenchmarkSettings settings;
try
{
    settings = BenchmarkSettings.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

Console.WriteLine($"zk-client-bench: our ZooKeeper client (C#) vs kazoo 2.8 (Python), one local ZooKeeper 3.8 server");
Console.WriteLine($"Machine: {BenchmarkRunner.DescribeMachine()}");
Console.WriteLine($"Load average at the start: {BenchmarkRunner.LoadAverage()}");
try
{
    var report = await new BenchmarkRunner(settings, Console.Out).RunAsync(Workloads.All, cancellation.Token);
    Console.WriteLine();
    Console.WriteLine($"Median of {settings.Runs} runs, {settings.Items:#,0} items per line:");
    Console.WriteLine();
    Console.Write(ResultTable.Render(report));
    Console.WriteLine();
    Console.WriteLine(ResultTable.CeilingNote(report));
    Console.WriteLine($"Load average at the end: {BenchmarkRunner.LoadAverage()}");
    Console.WriteLine(ResultTable.Summary(report));
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("zk-client-bench: cancelled");
    return 130;
}
