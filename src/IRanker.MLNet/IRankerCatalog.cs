using IRanker.MLNet.Persistence;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet;

/// <summary>Adds the IRanker trainer to <c>mlContext.Ranking.Trainers</c>.</summary>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("GroupId")
///     .Append(mlContext.Ranking.Trainers.IRanker());
/// var model = pipeline.Fit(trainData);
/// </code>
/// </example>
public static class IRankerCatalog
{
    /// <summary>Creates an <see cref="IRankerTrainer"/> with the default options and the given column names.</summary>
    /// <param name="catalog">The ranking trainers catalog, <c>mlContext.Ranking.Trainers</c>.</param>
    /// <param name="labelColumnName">The relevance label: <see cref="float"/> 0..4 or a key type.</param>
    /// <param name="queryColumnName">The query (context) text, equal on every row of a group.</param>
    /// <param name="candidateColumnName">The candidate text.</param>
    /// <param name="rowGroupColumnName">The group (list) of each row: a key type or <see cref="uint"/>.</param>
    /// <returns>The trainer; its <c>Fit</c> returns an <see cref="IRankerTransformer"/>.</returns>
    /// <example><code>var trainer = mlContext.Ranking.Trainers.IRanker(queryColumnName: "Question", candidateColumnName: "Passage");</code></example>
    public static IRankerTrainer IRanker(this RankingCatalog.RankingTrainers catalog,
        string labelColumnName = "Label", string queryColumnName = "Query",
        string candidateColumnName = "Candidate", string rowGroupColumnName = "GroupId")
        => catalog.IRanker(new IRankerOptions
        {
            LabelColumnName = labelColumnName,
            QueryColumnName = queryColumnName,
            CandidateColumnName = candidateColumnName,
            RowGroupColumnName = rowGroupColumnName,
        });

    /// <summary>Creates an <see cref="IRankerTrainer"/> with advanced options.</summary>
    /// <param name="catalog">The ranking trainers catalog, <c>mlContext.Ranking.Trainers</c>.</param>
    /// <param name="options">The trainer's options; see <see cref="IRankerOptions"/> for the defaults.</param>
    /// <returns>The trainer; its <c>Fit</c> returns an <see cref="IRankerTransformer"/>.</returns>
    /// <example><code>var trainer = mlContext.Ranking.Trainers.IRanker(new IRankerOptions { Scenario = RankingScenario.Passage });</code></example>
    public static IRankerTrainer IRanker(this RankingCatalog.RankingTrainers catalog, IRankerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new IRankerTrainer(MLNetInternals.GetEnvironment(catalog), options);
    }
}
