using IRanker.Model;
using IRanker.Evaluation.Baselines;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace IRanker.Cli.Evaluation;

/// <summary>
/// ML.NET's LightGBM LambdaMART trained on the lists of <c>--train</c>, on features that need no model: the candidate's
/// BM25 score against the query, the number and the Jaccard share of words they have in common, the candidate's length
/// in words, its position and the size of its list.
/// </summary>
internal sealed class LightGbmBaseline
{
    private const int FeatureCount = 6;
    private readonly MLContext _ml;
    private readonly ITransformer _model;

    private sealed class FeatureRow
    {
        public uint GroupId { get; set; }
        public float Label { get; set; }
        [VectorType(FeatureCount)] public float[] Features { get; set; } = [];
    }

    private sealed class Scored
    {
        public float Score { get; set; }
    }

    /// <summary>Trains on <paramref name="train"/> (every candidate labelled).</summary>
    public LightGbmBaseline(IReadOnlyList<RankingQuery> train, int seed)
    {
        _ml = new MLContext(seed);
        var data = _ml.Data.LoadFromEnumerable(Features(train));
        var pipeline = _ml.Transforms.Conversion.MapValueToKey(nameof(FeatureRow.GroupId))
            .Append(_ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
            {
                LabelColumnName = nameof(FeatureRow.Label),
                FeatureColumnName = nameof(FeatureRow.Features),
                RowGroupColumnName = nameof(FeatureRow.GroupId),
                // Small training files are common here: let a leaf hold a few rows (LightGBM's default is 20).
                MinimumExampleCountPerLeaf = 2,
                Seed = seed,
            }));
        try
        {
            _model = pipeline.Fit(data);
        }
        catch (ArgumentNullException e)
        {
            // ML.NET cannot convert a LightGBM model whose trees have no split, which happens when nothing in the
            // features tells the labels apart.
            throw new CliException(ExitCodes.BadData, $"LightGBM learned nothing from the --train lists ({train.Count} lists): their features do not separate the labels. Give more lists, or leave out --train.", e);
        }
    }

    /// <summary>Each list's candidate indices, best first.</summary>
    public IReadOnlyList<int[]> Rank(IReadOnlyList<RankingQuery> lists)
    {
        // Group keys are learned from the training lists; scoring needs no key, so every row is in group 1.
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(Features(lists).Select(r => { r.GroupId = 1; return r; })));
        var scores = _ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false).Select(s => s.Score).ToArray();
        var orders = new List<int[]>(lists.Count);
        int at = 0;
        foreach (var list in lists)
        {
            int n = list.Candidates.Count, start = at;
            orders.Add(Enumerable.Range(0, n).OrderByDescending(i => scores[start + i]).ThenBy(i => i).ToArray());
            at += n;
        }
        return orders;
    }

    private static IEnumerable<FeatureRow> Features(IReadOnlyList<RankingQuery> lists)
    {
        var bm25 = new Bm25Ranker();
        for (int q = 0; q < lists.Count; q++)
        {
            var list = lists[q];
            float[] bm = bm25.Score(list);
            var query = Words(list.Context);
            for (int i = 0; i < list.Candidates.Count; i++)
            {
                var candidate = list.Candidates[i];
                var words = Words(candidate.Text == candidate.Id ? candidate.Text : $"{candidate.Id} {candidate.Text}");
                int shared = words.Count(query.Contains);
                int union = words.Union(query).Count();
                yield return new FeatureRow
                {
                    GroupId = (uint)q + 1,
                    Label = candidate.Label ?? 0,
                    Features = [bm[i], shared, union == 0 ? 0 : shared / (float)union, words.Count, i, list.Candidates.Count],
                };
            }
        }
    }

    private static HashSet<string> Words(string text) =>
        text.ToLowerInvariant().Split((char[])[' ', '\n', '\t', ',', '.', ';', ':', '(', ')', '[', ']', '"', '\'', '/', '|', '?', '!'],
            StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
