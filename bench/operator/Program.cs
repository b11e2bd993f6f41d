using System.Globalization;

namespace ZkSync.Benchmarks.Operator;

/// <summary>
/// operator-bench [--sessions 100,1000] [--idle-seconds 60] [--running 50] [--running-seconds 30] --operator path/to/zksync-operator (the published executable, or a zksync-operator.dll to run with dotnet): issue 14's
/// performance targets, measured on the local API server (see README "Benchmark: operator").
/// </summary>
internal static class Program
{
    private const double ReconcileTargetSeconds = 30;
    private const long RssTargetBytes = 150L * 1024 * 1024;
    private const double PatchesPerMinuteTarget = 30; // one per 2 s

    public static async Task<int> Main(string[] args)
    {
        var sessions = new List<int> { 100, 1000 };
        var idle = TimeSpan.FromSeconds(60);
        var running = 50;
        var runningWindow = TimeSpan.FromSeconds(30);
        string? operatorDll = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sessions" when i + 1 < args.Length:
                    sessions = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
                    break;
                case "--idle-seconds" when i + 1 < args.Length:
                    idle = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--running" when i + 1 < args.Length:
                    running = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--running-seconds" when i + 1 < args.Length:
                    runningWindow = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
                    break;
                case "--operator" when i + 1 < args.Length:
                    operatorDll = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"operator-bench: unknown argument {args[i]} (--sessions N,N --idle-seconds S --running N --running-seconds S --operator EXECUTABLE|DLL)");
                    return 2;
            }
        }

        var repository = RepositoryRoot();
        operatorDll ??= Path.Combine(repository, "src", "Operator", "bin", "Release", "net10.0", "zksync-operator.dll");
        if (!File.Exists(operatorDll))
        {
            Console.Error.WriteLine($"operator-bench: {operatorDll} not found (build src/Operator in Release first)");
            return 2;
        }

        Console.WriteLine($"operator bench: sessions {string.Join(", ", sessions)}; idle window {idle.TotalSeconds:0} s; {running} running for {runningWindow.TotalSeconds:0} s; load {LoadAverage()}");
        var results = new List<ScaleResult>();
        foreach (var count in sessions)
        {
            results.Add(await new ScaleRun(repository, operatorDll, idle, running, runningWindow, Console.Out).RunAsync(count, CancellationToken.None));
        }

        Console.WriteLine();
        Console.WriteLine("sessions  create(s)  reconciled after last create(s)  peak RSS(MiB)  idle writes  writes/session/min  running  patches/running session/min (max)");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Sessions,8}  {r.CreateTime.TotalSeconds,9:0.0}  {r.ReconciledAfterLastCreate.TotalSeconds,31:0.0}  {r.PeakRssBytes / 1048576.0,13:0.0}  {r.IdleWrites,11}  {r.WritesPerSessionPerMinute,18:0.000}  {r.StatusPatches.Count,7}  {r.PatchesPerRunningSessionPerMinute,23:0.0} ({r.MaxPatchesPerRunningSessionPerMinute:0.0})"));
            foreach (var (what, n) in r.IdleWritesByResource.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"          idle write: {what} x{n}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("sessions  operator CPU(s)  per session(ms)  API server CPU(s)  per session(ms)  operator API requests per session in the burst");
        foreach (var r in results)
        {
            var perSession = string.Join(", ", r.BurstRequests.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value / (double)r.Sessions:0.00}")));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Sessions,8}  {r.OperatorCpu.TotalSeconds,15:0.0}  {r.OperatorCpu.TotalMilliseconds / r.Sessions,15:0.0}  {r.ServerCpu.TotalSeconds,17:0.0}  {r.ServerCpu.TotalMilliseconds / r.Sessions,15:0.0}  {r.BurstRequests.Values.Sum() / (double)r.Sessions:0.00}: {perSession}"));
        }

        if (results.Count >= 2)
        {
            var (small, large) = (results[0], results[^1]);
            var scale = (double)large.Sessions / small.Sessions;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scaling {small.Sessions} -> {large.Sessions} (x{scale:0.#}): reconcile time x{large.ReconciledAfterLastCreate / small.ReconciledAfterLastCreate:0.00}, peak RSS x{(double)large.PeakRssBytes / small.PeakRssBytes:0.00}"));
        }

        var largest = results.MaxBy(r => r.Sessions)!;
        Console.WriteLine();
        Console.WriteLine($"load at end {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| target (issue 14) | measured | result |");
        Console.WriteLine("|---|---|---|");
        Row($"{largest.Sessions} sessions reconciled (master Job and status) within {ReconcileTargetSeconds:0} s of the last create",
            $"{largest.ReconciledAfterLastCreate.TotalSeconds:0.0} s", largest.ReconciledAfterLastCreate.TotalSeconds <= ReconcileTargetSeconds);
        Row("operator RSS <= 150 MiB", $"{results.Max(r => r.PeakRssBytes) / 1048576.0:0.0} MiB peak", results.Max(r => r.PeakRssBytes) <= RssTargetBytes);
        Row("zero writes while nothing changes (Lease renewals aside)", $"{results.Sum(r => r.IdleWrites)} writes in {idle.TotalSeconds:0} s", results.All(r => r.IdleWrites == 0));
        var measured = results.Where(r => r.StatusPatches.Count > 0).ToList();
        if (measured.Count == 0)
        {
            Console.WriteLine("| status patches <= 1 per 2 s per running session | not measured (--running 0) | NOT MEASURED |");
        }
        else
        {
            var busiest = measured.Max(r => r.MaxPatchesPerRunningSessionPerMinute);
            Row($"status patches <= 1 per 2 s ({PatchesPerMinuteTarget:0}/min) per running session",
                $"{measured.Max(r => r.PatchesPerRunningSessionPerMinute):0.0}/min mean, {busiest:0.0}/min busiest ({measured[^1].StatusPatches.Count} sessions reporting every 0.5 s)",
                busiest <= PatchesPerMinuteTarget);
        }
        return 0;
    }

    private static void Row(string target, string measured, bool pass) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(pass ? "PASS" : "FAIL")} |"));

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ZkSyncOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("run from the repository (ZkSyncOperator.sln not found above " + AppContext.BaseDirectory + ")");
    }
}
