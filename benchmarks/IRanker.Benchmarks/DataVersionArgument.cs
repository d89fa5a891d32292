using IRanker.Datasets;

namespace IRanker.Benchmarks;

/// <summary>The <c>--data-version 1|2</c> argument every subcommand that generates Ranking-bench-mini takes (docs/data.md).</summary>
internal static class DataVersionArgument
{
    public const string Name = "--data-version";

    /// <summary>The version after <c>--data-version</c>, else <paramref name="fallback"/>.</summary>
    public static RankingBenchMiniVersion From(string[] args, RankingBenchMiniVersion fallback = RankingBenchMiniVersion.V1)
    {
        int at = Array.LastIndexOf(args, Name);
        if (at < 0) return fallback;
        if (at + 1 >= args.Length) throw new ArgumentException($"{Name} needs a value: 1 or 2.");
        return RankingBenchMini.ParseVersion(args[at + 1]);
    }
}
