using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Loads Ranking-bench files (the Hugging Face dataset <c>ulab-ai/Ranking-bench</c>, configs <c>iterative</c> and
/// <c>direct</c>, or files in the same layout) as lists: parquet (<c>.parquet</c>), JSON lines (<c>.jsonl</c>) or a JSON
/// array (<c>.json</c>), with fields <c>problem</c>, <c>candidates</c>, <c>gt</c>, <c>task_name</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>problem</c> may be the whole task prompt (as in Ranking-bench) or just the context; the context is cut out
/// of a prompt (the history for recommendation, one title per line; the request or query otherwise) and used as is
/// otherwise.</item>
/// <item><c>gt</c> is a string or a list of strings; every candidate it names (by ID, else by text) gets label 1, the
/// others 0. A <c>gt</c> naming no candidate is an error.</item>
/// <item>Candidate IDs: the candidates themselves (titles, LLM names); for passages, whose candidates are texts, the
/// "passage N" IDs listed in the prompt, else <c>passage 1</c> .. <c>passage N</c>. Routing candidates get the LLM's
/// description line of the prompt as text.</item>
/// <item>Task and scenario from <c>task_name</c> (<c>Rec-Movie</c> → Movie, Recommendation; <c>Router-Cost</c> → Cost,
/// Routing; <c>Passage-5</c> → Passage); a missing or unknown name gives <see cref="RankingScenario.Generic"/>.</item>
/// <item>Optional <c>candidate_ids</c> and <c>labels</c> (written by <see cref="RankingBenchWriter"/>) override the
/// inferred IDs and the 0/1 labels.</item>
/// <item>The query ID is <c>file:N</c> with N the 1-based line, record or row.</item>
/// </list>
/// Malformed input raises <see cref="RankingBenchFormatException"/> naming the file, the line/record/row and the field.
/// </remarks>
/// <example>
/// <code>
/// IReadOnlyList&lt;RankingQuery&gt; test = RankingBenchLoader.Load("Ranking-bench/iterative/test.parquet");
/// // with IRanker.MLNet: one ML.NET row per candidate
/// IDataView view = mlContext.Data.LoadFromEnumerable(RankingRows.FromQueries(test));
/// </code>
/// </example>
public static class RankingBenchLoader
{
    /// <summary>Loads every record of a file as a list, in file order.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="RankingBenchFormatException">A record is malformed.</exception>
    /// <exception cref="NotSupportedException">The extension is not .parquet, .jsonl or .json.</exception>
    public static async Task<IReadOnlyList<RankingQuery>> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Ranking-bench file not found: {path}", path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        IEnumerable<(RankingBenchRawRecord Record, string Kind, long Number)> records = extension switch
        {
            ".parquet" => await RankingBenchParquetReader.ReadAsync(path, cancellationToken).ConfigureAwait(false),
            ".jsonl" or ".json" => RankingBenchJsonReader.Read(path),
            _ => throw new NotSupportedException($"{path}: expected a .parquet, .jsonl or .json file."),
        };

        var name = Path.GetFileName(path);
        var queries = new List<RankingQuery>();
        foreach (var (record, kind, number) in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            queries.Add(record.ToQuery($"{name}:{number}", (field, problem) => new RankingBenchFormatException(path, kind, number, field, problem)));
        }
        return queries;
    }

    /// <summary>Synchronous <see cref="LoadAsync"/>.</summary>
    public static IReadOnlyList<RankingQuery> Load(string path) => LoadAsync(path).GetAwaiter().GetResult();
}
