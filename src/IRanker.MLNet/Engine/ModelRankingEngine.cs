using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.MLNet.Engine;

/// <summary>The IRanker engine: an <see cref="IRankerModel"/> (tokenizer + Qwen2 model + prompt template) ranking by iterative elimination.</summary>
internal sealed class ModelRankingEngine(IRankerModel model, RankerOptions options, bool ownsModel = true) : IRankingEngine
{
    private readonly IterativeRanker _ranker = new(model, options);

    public IRankerModel Model { get; } = model;

    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default) =>
        _ranker.Rank(queries, cancellationToken);

    public void SaveTo(string folder) => Model.Save(folder);

    public IRankingEngine WithInference(RankerOptions inference) => new ModelRankingEngine(Model, inference, ownsModel: false);

    public void Dispose()
    {
        if (ownsModel) Model.Dispose();
    }
}
