using System.Text;
using System.Text.Json;
using IRanker.Model;
using Parquet.Serialization;

namespace IRanker.Datasets;

/// <summary>
/// Writes lists in the Ranking-bench layout, as JSON lines or parquet: <c>problem</c> (the context), <c>candidates</c>
/// (texts for passages, IDs otherwise), <c>gt</c> (ID of the best candidate), <c>task_name</c>, plus the optional
/// <c>candidate_ids</c> and <c>labels</c> that <see cref="RankingBenchLoader"/> reads back.
/// </summary>
/// <example>
/// <code>
/// RankingBenchWriter.WriteJsonLines("test.jsonl", queries);
/// RankingBenchWriter.WriteParquet("test.parquet", queries);
/// var again = RankingBenchLoader.Load("test.parquet");
/// </code>
/// </example>
public static class RankingBenchWriter
{
    /// <summary>One JSON object per line, UTF-8 without BOM.</summary>
    /// <exception cref="ArgumentException">A query has an unlabelled candidate.</exception>
    public static void WriteJsonLines(string path, IEnumerable<RankingQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var records = queries.Select(RankingBenchRecord.From).ToList();
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        foreach (var record in records) writer.WriteLine(JsonSerializer.Serialize(record));
    }

    /// <summary>One parquet row per list (one row group).</summary>
    /// <exception cref="ArgumentException">A query has an unlabelled candidate.</exception>
    public static async Task WriteParquetAsync(string path, IEnumerable<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var records = queries.Select(RankingBenchRecord.From).ToList();
        await using var stream = File.Create(path);
        await ParquetSerializer.SerializeAsync(records, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="WriteParquetAsync"/>.</summary>
    public static void WriteParquet(string path, IEnumerable<RankingQuery> queries) =>
        WriteParquetAsync(path, queries).GetAwaiter().GetResult();
}
