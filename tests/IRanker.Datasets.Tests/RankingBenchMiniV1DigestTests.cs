using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IRanker.Datasets.Tests;

/// <summary>
/// Version 1 of Ranking-bench-mini stays bit for bit what it was: the SHA-256 of every generated list (IDs, texts,
/// labels, contexts) is compared with digests computed on the generator before version 2 was added.
/// </summary>
public class RankingBenchMiniV1DigestTests
{
    [Theory]
    // The quickstart's default data (seed 1, 150 training and 30 test lists per task) and its second documented seed.
    [InlineData(1, 150, 30, "947eef374e4d7d18bba3970973f356a8c315204a57577d13232e017619b66ec9")]
    [InlineData(2, 150, 30, "a967068e69b7361051de151b9f148e9e5c573067b2a939225e3e5f5bccb084cb")]
    // The library's defaults.
    [InlineData(42, 500, 100, "21755cf19107a6cbbcaf48cded7364110687ed1976184559de9c519d8bc21020")]
    public void Version_1_data_is_unchanged(int seed, int train, int test, string expected)
    {
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, TrainQueriesPerTask = train, TestQueriesPerTask = test });

        Digest.Of(data).Should().Be(expected);
    }

    [Fact]
    public void Version_1_long_passage_lists_are_unchanged()
    {
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 3, TrainQueriesPerTask = 2, TestQueriesPerTask = 2, Tasks = RankingBenchMini.LongPassageTaskNames });

        Digest.Of(data).Should().Be("129cc9709010a9ec7021e1484b51d8ef22e4b16818053160f9c4831dd4a34644");
    }
}

/// <summary>SHA-256 (hex) of a data set written canonically: every task, split, list and candidate in order.</summary>
internal static class Digest
{
    public static string Of(RankingBenchMiniDataset data)
    {
        var text = new StringBuilder();
        foreach (var task in data.Tasks)
            foreach (var (split, lists) in new[] { ("train", task.Train), ("test", task.Test) })
                foreach (var list in lists)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{task.Name}\u0001{split}\u0001{list.QueryId}\u0001{list.Scenario}\u0001{list.Task}\u0001{list.Context}\u0002");
                    foreach (var c in list.Candidates)
                        text.Append(CultureInfo.InvariantCulture, $"{c.Id}\u0001{c.Text}\u0001{c.Label?.ToString("R", CultureInfo.InvariantCulture)}\u0003");
                    text.Append('\u0004');
                }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
