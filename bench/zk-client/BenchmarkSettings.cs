using System.Globalization;

namespace ZkSync.Benchmarks.ZkClient;

/// <summary>What one benchmark run does: how many nodes per line, how many timed runs, how big a warm-up.</summary>
internal sealed record BenchmarkSettings(int Items, int Runs, int WarmupItems)
{
    public const string Usage = "usage: zk-client-bench [--items N] [--runs N]   (defaults: --items 10000 --runs 3)";

    public static BenchmarkSettings Default { get; } = new(Items: 10_000, Runs: 3, WarmupItems: 2_000);

    /// <summary>Parses <c>--items N</c> and <c>--runs N</c>; throws <see cref="ArgumentException"/> with the usage otherwise.</summary>
    public static BenchmarkSettings Parse(IReadOnlyList<string> args)
    {
        var settings = Default;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--items":
                    settings = settings with { Items = PositiveAt(args, ++i) };
                    break;
                case "--runs":
                    settings = settings with { Runs = PositiveAt(args, ++i) };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }

        // The warm-up gets the JIT (ours, and the server's) and the connection going; small next to the timed part.
        return settings with { WarmupItems = Math.Clamp(settings.Items / 5, 1, Default.WarmupItems) };
    }

    private static int PositiveAt(IReadOnlyList<string> args, int index)
    {
        if (index >= args.Count
            || !int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value <= 0)
        {
            throw new ArgumentException($"'{args[index - 1]}' needs a positive integer\n{Usage}");
        }

        return value;
    }
}
